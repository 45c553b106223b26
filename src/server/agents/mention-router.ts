// Routes committed messages to agents: people's mentions get one reply per mentioned agent (task, status,
// answer); agents' messages only feed the help loop, so agents never set each other off in a loop. When the agents
// start (a restart, or another instance taking over from one that died) they first answer the recent mentions
// nobody answered. A task's talk lives in the thread of its message: a person's reply there answers the agent's only
// open question, or helps it when it is stuck; only a mention of an agent with a new request starts a task there.
import type { Logger } from 'pino';
import type { Message } from '../../shared/message';
import type { Role, User } from '../auth';
import type { Agent, AgentsRepository, TaskStatus } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import type { Hub } from '../hub/hub';
import type { HelpDesk } from './help-desk';
import { detectIntent, extractTaskDescription } from './intent';
import type { LatencyRecorder } from './latency';
import type { AskDesk, PendingAsk } from './opencode/ask-desk';
import { withRoomInQueue } from './queue-cap';
import type { ChatLine, Responder } from './responder';
import type { Roster } from './roster';
import { statusReport } from './status-report';
import type { TaskBranches } from './task-branches';
import type { TaskRunner } from './task-runner';
import { clip, type Voice } from './voice';

/** How far back the agents look, when they start, for mentions nobody answered. */
export const CATCH_UP_MS = 60_000;
/** A reply to one of these tasks' messages that mentions its agent continues the same opencode session. */
const FINISHED: TaskStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

/** At most this many of the newest messages are read for that. */
const CATCH_UP_MESSAGES = 500;

export interface MentionRouterDeps {
  hub: Hub;
  repo: AgentsRepository;
  roster: Roster;
  runner: TaskRunner;
  helpDesk: HelpDesk;
  voice: Voice;
  latency: LatencyRecorder;
  responder: () => Responder;
  history: () => Promise<ChatLine[]>;
  logger: Logger;
  /** The newest `limit` messages, oldest first. */
  recent: (limit: number) => Promise<Message[]>;
  /** Open questions and permission requests of working agents: a reply to one answers it. */
  asks?: AskDesk;
  /** Cluster only: reloads the roster, which another instance may have changed just before this message. */
  refreshRoster?: () => Promise<void>;
  /** "merge" / "discard" in reply to a task's message act on its branch, as the person replying. */
  branches?: TaskBranches;
}

/** "merge", "@alice merge", "discard please": the whole reply is the command (anything more is a follow-up). */
const BRANCH_COMMAND = /^(?:\s*@[\w-]+[,:]?)*\s*(merge|discard)(?:\s+(?:it|please|pls))?[\s.!]*$/i;

export class MentionRouter {
  private unsubscribe: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Messages waiting behind the start-up catch-up or a roster reload (cluster), in order. */
  private gate: Promise<void> | null = null;
  /** Messages the start-up catch-up routed: their live events (which may come after it) are not routed again. */
  private readonly caughtUp = new Set<number>();

  constructor(private readonly d: MentionRouterDeps) {}

  /** Listens for committed messages; the recent mentions nobody answered go first, live ones queue behind. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.d.hub.onEvent((event) => {
      if (event.type !== 'message') return;
      const receivedAt = performance.now();
      this.onMessage(event.message, receivedAt, event.posterRole ?? 'user');
    });
    this.queue(() => this.catchUp());
  }

  /** `role`: the poster's, when an authenticated call said so (HubEvent.posterRole); else a user. */
  private onMessage(message: Message, receivedAt: number, role: Role): void {
    if (this.caughtUp.has(message.id)) return;
    const refresh = this.d.refreshRoster;
    const needsRefresh =
      refresh !== undefined && message.senderKind === 'user' && message.mentions.length > 0;
    if (!needsRefresh && !this.gate) {
      this.track(this.route(message, receivedAt, undefined, role));
      return;
    }
    // A hire or fire on another instance, committed before this message, may not have reached the roster yet:
    // reload it first. Later messages queue behind, so each agent still answers in message order.
    this.queue(async () => {
      if (needsRefresh)
        await refresh().catch((error) =>
          this.d.logger.warn({ err: error }, 'agents: roster reload before routing failed'),
        );
      if (!this.caughtUp.has(message.id)) this.track(this.route(message, receivedAt, undefined, role));
    });
  }

  /** Runs `step` after everything queued before it; messages arriving meanwhile queue behind it. */
  private queue(step: () => Promise<void>): void {
    const gate: Promise<void> = (this.gate ?? Promise.resolve())
      .then(step)
      .catch((error) => this.d.logger.error({ err: error }, 'agents: routing failed'));
    this.gate = gate;
    void gate.finally(() => {
      if (this.gate === gate) this.gate = null;
    });
  }

  /**
   * Mentions from the last CATCH_UP_MS that a mentioned agent neither answered nor took as a task: committed
   * while no instance ran the agents, or while one that died was answering. Each such agent answers now.
   */
  private async catchUp(): Promise<void> {
    const since = Date.now() - CATCH_UP_MS;
    const recent = (await this.d.recent(CATCH_UP_MESSAGES)).filter((m) => Date.parse(m.createdAt) >= since);
    const mentions = recent.filter((m) => m.senderKind === 'user' && m.mentions.length > 0);
    if (mentions.length === 0) return;
    const handled = new Set(
      recent
        .filter((m) => m.senderKind === 'agent' && m.replyTo !== null)
        .map((m) => `${m.sender} ${m.replyTo}`),
    );
    const tasks = await this.d.repo.listTasks({ order: 'desc', limit: CATCH_UP_MESSAGES });
    for (const task of tasks) handled.add(`${task.employee} ${task.messageId}`);
    const receivedAt = performance.now();
    for (const message of mentions) {
      this.caughtUp.add(message.id);
      const names = message.mentions.filter(
        (name) => this.d.roster.get(name) && !handled.has(`${name} ${message.id}`),
      );
      if (names.length === 0) continue;
      this.d.logger.info({ message: message.id, agents: names }, 'answering a mention nobody answered');
      this.track(this.route(message, receivedAt, new Set(names)));
    }
  }

  /** Stops listening and waits for replies already under way. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.gate;
    await Promise.all([...this.inFlight]);
    this.caughtUp.clear();
  }

  /** A failing agent must never take the server down: every handler's error ends in the log. */
  private track(work: Promise<unknown>): void {
    const guarded = work.catch((error) =>
      this.d.logger.error({ err: error }, 'agent failed to handle a message'),
    );
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  /** `only`: answer just these of the mentioned agents (the catch-up). */
  private route(
    message: Message,
    receivedAt: number,
    only?: Set<string>,
    role: Role = 'user',
  ): Promise<unknown> {
    const { helpDesk } = this.d;
    if (message.senderKind === 'agent') {
      if (helpDesk.isHelpRequest(message)) return helpDesk.open(message);
      const request = helpDesk.request(message.replyTo);
      if (request) return helpDesk.deliver(request.agent, message);
      return Promise.resolve();
    }
    if (message.senderKind !== 'user') return Promise.resolve();
    const ask = only ? undefined : this.d.asks?.byMessage(message.replyTo);
    if (ask) return this.answerAsk(ask, message, role);
    const command = BRANCH_COMMAND.exec(message.text)?.[1]?.toLowerCase();
    if (command && (message.replyTo !== null || message.threadRoot !== undefined) && this.d.branches)
      return this.branchCommand(command as 'merge' | 'discard', message, role, receivedAt, only);
    if (!only && message.threadRoot !== undefined)
      return this.threadReply(message, role).then((handled) =>
        handled ? undefined : this.routeMentions(message, receivedAt, only, role),
      );
    return this.routeMentions(message, receivedAt, only, role);
  }

  /** The task a message is about: the task post it quotes, else the task whose thread it is in. */
  private async taskOf(message: Message) {
    const { runner } = this.d;
    return (
      (await runner.threadTask(message.replyTo)) ??
      (message.threadRoot === undefined ? null : runner.threadTask(message.threadRoot))
    );
  }

  /**
   * A person's message in a thread, unless it mentions someone else: the answer to the only question or permission
   * ask open there (from whoever may answer it; anyone else's is conversation), or with several open a note saying
   * which to quote; with none open, help for the thread's task when its agent is stuck. True when it was taken.
   */
  private async threadReply(message: Message, role: Role): Promise<boolean> {
    const by: User = { id: message.sender, role };
    const asks = this.d.asks;
    const open = (asks?.openInThread(message.threadRoot) ?? []).filter((ask) => asks?.mayAnswer(ask, by));
    const askers = new Set(open.map((ask) => ask.task.employee));
    const others = message.mentions.filter((name) => !askers.has(name) && this.d.roster.get(name));
    if (open.length > 0 && others.length === 0) {
      const named = open.filter((ask) => message.mentions.includes(ask.task.employee));
      const candidates = named.length > 0 ? named : open;
      const [only] = candidates;
      if (only && candidates.length === 1) {
        await this.answerAsk(only, message, role);
        return true;
      }
      const first = candidates[0] as PendingAsk;
      const list = candidates.map(
        (ask) => `"${clip(ask.text, 80)}" (${ask.task.employee}, task #${ask.task.id})`,
      );
      await this.d.voice.sayAbout(
        first.task,
        `@${message.sender} ${candidates.length} questions are open here: ${list.join('; ')}. Reply to the one you are answering (quote it) so it reaches the right one.`,
        { replyTo: message.id },
      );
      return true;
    }
    if (message.mentions.some((name) => this.d.roster.get(name))) return false;
    const task = await this.taskOf(message);
    const run = task ? this.d.runner.active(task.employee) : null;
    if (!task || !run?.stuck || run.task.id !== task.id) return false;
    return this.d.helpDesk.deliver(task.employee, message);
  }

  /**
   * "merge" / "discard" in reply to one of a task's messages, by the person replying (the assigner or an admin);
   * the agent answers in the chat. A reply to anything else is routed as usual.
   */
  private async branchCommand(
    command: 'merge' | 'discard',
    message: Message,
    role: Role,
    receivedAt: number,
    only?: Set<string>,
  ): Promise<unknown> {
    const task = await this.taskOf(message);
    const branches = this.d.branches;
    if (!task?.branch || !branches) return this.routeMentions(message, receivedAt, only, role);
    const by: User = { id: message.sender, role };
    try {
      if (command === 'merge') await branches.merge(task.id, by, { replyTo: message.id });
      else await branches.discard(task.id, by, { replyTo: message.id });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A conflict was reported by the merge itself, with what to do next.
      if (error.code !== 'CONFLICT')
        await this.d.voice.sayAbout(task, `@${message.sender} ${error.message}.`, { replyTo: message.id });
    }
    this.d.latency.record(performance.now() - receivedAt);
    return undefined;
  }

  private routeMentions(message: Message, receivedAt: number, only: Set<string> | undefined, role: Role) {
    const { helpDesk, roster, runner } = this.d;
    const work: Promise<unknown>[] = [];
    const mentioned = new Set<string>();
    for (const name of message.mentions) {
      const agent = roster.get(name);
      if (!agent || mentioned.has(name) || (only && !only.has(name))) continue;
      mentioned.add(name);
      // Queued per agent, in message order, so acknowledgements and the task queue keep that order.
      work.push(
        runner
          .withLock(name, () => this.answer(agent, message, receivedAt, role))
          .then((started) => (started ? runner.startNext(name) : undefined)),
      );
    }
    const request = only ? undefined : helpDesk.request(message.replyTo);
    if (request && !mentioned.has(request.agent)) work.push(helpDesk.deliver(request.agent, message));
    return Promise.all(work);
  }

  /** A reply to an agent's question or permission post answers it; refusals are said as a reply. */
  private async answerAsk(ask: PendingAsk, message: Message, role: Role): Promise<void> {
    // "@alice allow" and "allow" both answer: the mention is only who it is for.
    const answer = message.text.replace(/^(\s*@[\w-]+[,:]?\s*)+/, '');
    try {
      // Admin only when an authenticated call said so; Telegram and /legacy posters never are.
      await this.d.asks?.answer(ask.askId, answer, { id: message.sender, role });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.d.voice.sayAbout(ask.task, `@${message.sender} ${error.message}.`, { replyTo: message.id });
    }
  }

  /**
   * Queues a mention's task within the sender's cap of waiting tasks (the same as tasks.assign's); over it, the
   * agent says why in the chat and nothing is queued (null). `role`: the poster's (an admin gets an admin's room).
   */
  private async capped<T>(
    message: Message,
    role: Role,
    reply: (text: string) => Promise<void>,
    enqueue: () => Promise<T>,
  ): Promise<T | null> {
    const by: User = { id: message.sender, role };
    try {
      return await withRoomInQueue(this.d.repo, by, enqueue);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'TOO_MANY_REQUESTS') throw error;
      await reply(`@${message.sender} I can't take this one yet: ${error.message}.`);
      return null;
    }
  }

  /** Without git, an acknowledgement says whose task this one waits for ("agents take turns"). */
  private async withTurn(name: string, ack: string): Promise<string> {
    const note = await this.d.runner.turnNote(name);
    return note ? `${ack} (${note}.)` : ack;
  }

  /** Replies to one mention; returns true when it queued a task. */
  private async answer(agent: Agent, message: Message, receivedAt: number, role: Role): Promise<boolean> {
    const { runner, voice, latency } = this.d;
    const name = agent.name;
    // Said where the message was: in its thread when it is a thread reply, else in the main conversation.
    const reply = async (text: string) => {
      const posted = await voice.say(name, text, { replyTo: message.id, thread: message.threadRoot });
      if (posted) latency.record(performance.now() - receivedAt);
    };
    // A task's acknowledgement opens the thread of its message (quoting the mention when it was made in a thread).
    const acknowledge = async (text: string) => {
      const inThread = message.threadRoot !== undefined;
      const posted = await voice.say(name, text, {
        thread: message.id,
        replyTo: inThread ? message.id : null,
      });
      if (posted) latency.record(performance.now() - receivedAt);
    };
    const intent = detectIntent(message.text, name);
    if (intent === 'status') {
      const queued = await this.d.repo.listTasks({ agent: name, statuses: ['queued'] });
      await reply(statusReport(runner.active(name), queued));
      return false;
    }
    // A stuck agent takes whatever it is told as help for its worker; so does one told in its task's thread.
    const run = runner.active(name);
    const request = this.d.helpDesk.request(message.replyTo);
    const thread = await this.taskOf(message);
    const inThread = thread?.employee === name ? thread : null;
    if (
      run &&
      (run.stuck || request?.agent === name || inThread?.id === run.task.id) &&
      (await this.d.helpDesk.deliver(name, message))
    ) {
      latency.record(performance.now() - receivedAt);
      return false;
    }
    const description = extractTaskDescription(message.text, name);
    // "@alice also add validation" (or "@alice continue") in a finished task's thread: the same session goes on.
    if (inThread?.sessionId && FINISHED.includes(inThread.status)) {
      const followUp = description || message.text.replace(new RegExp(`@${name}\\b[,:]?`, 'gi'), '').trim();
      if (followUp) {
        const queued = await this.capped(message, role, reply, () =>
          runner.enqueue({
            employee: agent,
            description: followUp,
            assignedBy: message.sender,
            messageId: message.id,
            model: inThread.model,
            sessionId: inThread.sessionId,
            // The same branch goes on, in the same worktree as the session (merged or discarded: a new branch).
            continues: inThread.branch ? inThread : null,
          }),
        );
        if (!queued) return false;
        const { task, ahead } = queued;
        // Replies in the thread go to the newest of its tasks.
        if (message.threadRoot !== undefined) runner.rememberThread(message.threadRoot, task.id);
        await acknowledge(
          await this.withTurn(
            name,
            this.d.responder().acknowledge({ agent: agent, task: task.description, ahead, seed: message.id }),
          ),
        );
        return true;
      }
    }
    if (intent === 'task' && description) {
      const queued = await this.capped(message, role, reply, () =>
        runner.enqueue({ employee: agent, description, assignedBy: message.sender, messageId: message.id }),
      );
      if (!queued) return false;
      const { task, ahead } = queued;
      const responder = this.d.responder();
      await acknowledge(
        await this.withTurn(
          name,
          responder.acknowledge({ agent: agent, task: task.description, ahead, seed: message.id }),
        ),
      );
      return true;
    }
    const text = await this.d.responder().answer({
      agent: { name, role: agent.role },
      from: message.sender,
      text: message.text,
      intent: intent === 'question' ? 'question' : 'smalltalk',
      history: await this.d.history(),
      seed: message.id,
    });
    await reply(text);
    return false;
  }
}
