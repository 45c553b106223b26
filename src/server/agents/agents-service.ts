// The agents' front door: hire/fire, tasks, logs, status and stats for routers and REST; composes the roster,
// task runner, help desk and mention router, and owns their start-up and shutdown. The commands live in
// commands/; they act through the Leader on the instance running the agents and through the Follower on the
// others of a cluster (see cluster-role.ts).
import type { Logger } from 'pino';
import type { MergeResult, TaskDiff } from '../../shared/task-branch';
import type { User } from '../auth';
import type { Config } from '../config';
import { type AgentsDispatch, SoleDispatch } from '../db/agents-dispatch';
import type { AgentsRepository, Task, TaskQuery } from '../db/agents-repository';
import type { Repository } from '../db/repository';
import type { TimelineSignal } from '../db/timeline-signal';
import type { Hub } from '../hub/hub';
import { KeyedLock } from '../serial';
import { type AgentStats, agentStats } from './agent-stats';
import type { AgentView } from './agent-view';
import { type AskAnswer, AskAnswers } from './ask-answers';
import { ClusterRole } from './cluster-role';
import { assign } from './commands/assign';
import { continueTask } from './commands/continue-task';
import { type FireResult, fire } from './commands/fire';
import { hire } from './commands/hire';
import type { CommandDeps } from './commands/seat';
import { stopTask } from './commands/stop-task';
import { dataDirFor } from './data-dir';
import type { Follower } from './follower';
import { HelpDesk } from './help-desk';
import { LatencyRecorder } from './latency';
import { Leader } from './leader';
import { MentionRouter } from './mention-router';
import { assertModel } from './model-check';
import type { OpencodeDriver } from './opencode/driver';
import type { OpencodeInfo } from './opencode/opencode-server';
import { PostLimiter } from './post-limiter';
import type { ChatLine, Responder } from './responder';
import { responderFor } from './responder-choice';
import { Roster } from './roster';
import type { AssignInput, HireInput } from './schemas';
import { TaskBranches } from './task-branches';
import { TaskQueries } from './task-queries';
import { TaskRunner } from './task-runner';
import { TaskTimeline } from './task-timeline';
import { Voice } from './voice';
import { opencodeDriverFor, workspacesOpener } from './worker-setup';

export interface AgentsServiceDeps {
  config: Config;
  logger: Logger;
  hub: Hub;
  chat: Repository;
  repo: AgentsRepository;
  /** How calls reach the instance running the agents; alone (the default) that is always this one. */
  dispatch?: AgentsDispatch;
  /** Overrides the responder chosen from the settings. */
  responder?: Responder;
  killGraceMs?: number;
  progressIntervalMs?: number;
  /** Throws RoleLostError once this instance no longer holds the agents role (cluster); checked before each post. */
  fence?: () => Promise<void>;
  /** How committed timeline entries reach the other instances (none when alone). */
  timelineSignal?: TimelineSignal;
}

export type { AskAnswer } from './ask-answers';

export interface AgentsStatus {
  agents: AgentView[];
  active: Task[];
  queue: Task[];
}

const HISTORY_CONTEXT = 12;

/** What the admin view shows about the coding agent the tasks run on. */
export interface WorkerInfo {
  mode: 'opencode' | 'command';
  opencode: OpencodeInfo | null;
}

export class AgentsService {
  readonly roster: Roster;
  readonly runner: TaskRunner;
  /** Every task's timeline: stored, then published live (tasks.onUpdate, Telegram task messages). */
  readonly timeline: TaskTimeline;
  readonly responder: Responder;
  /** The opencode driver (no AGENT_WORKER_COMMAND): one supervised `opencode serve` for every task. */
  readonly driver: OpencodeDriver | null;
  /** Review, merge and discard of tasks' git branches. */
  readonly branches: TaskBranches;
  private readonly repo: AgentsRepository;
  private readonly limiter: PostLimiter;
  private readonly latency = new LatencyRecorder();
  private readonly router: MentionRouter;
  private readonly dispatch: AgentsDispatch;
  private readonly leader: Leader;
  private readonly cluster: ClusterRole;
  private readonly answers: AskAnswers;
  private readonly tasks: TaskQueries;
  private readonly commands: CommandDeps;
  private readonly rosterLock = new KeyedLock();

  constructor(private readonly deps: AgentsServiceDeps) {
    const { config, logger, hub, repo } = deps;
    const dispatch = deps.dispatch ?? new SoleDispatch();
    const roster = new Roster(hub);
    this.repo = repo;
    this.dispatch = dispatch;
    this.roster = roster;
    // Registered once, here: presence lists the agents on every instance, running them or mirroring them.
    hub.presence.addSource(() => roster.presence());
    // Employees' names are theirs alone: no person signs in or posts under one (issue 14).
    hub.reservedNames.use((name) => roster.get(name) !== undefined);
    this.limiter = new PostLimiter({
      perHour: config.AGENT_POSTS_PER_HOUR,
      minIntervalMs: config.AGENT_MIN_POST_INTERVAL_MS,
    });
    const voice = new Voice(hub, logger, this.limiter, deps.fence);
    this.responder = deps.responder ?? responderFor(config, logger);
    this.timeline = new TaskTimeline({ repo, logger, signal: deps.timelineSignal });
    // A tap, never a queue: the roster follows every task's status (runner and driver alike) where the agents run,
    // so an agent whose last task failed shows it instead of a silent "idle".
    this.timeline.updates.open({
      accept: (update) => {
        if (this.cluster.leading) roster.noteTask(update);
        return false;
      },
    });
    this.driver = opencodeDriverFor(config, {
      repo,
      logger,
      voice,
      note: (task, event) =>
        void this.timeline
          .append(task, event)
          .catch((err) => logger.error({ err, task: task.id }, 'could not store a timeline entry')),
      context: (task) => this.context(task.messageId),
    });
    const workspaces = workspacesOpener(config, logger);
    const runner = new TaskRunner({
      repo,
      roster,
      voice,
      logger,
      workerCommand: config.AGENT_WORKER_COMMAND,
      projectRoot: config.PROJECT_ROOT,
      dataDir: dataDirFor(config),
      defaultModel: config.AGENT_MODEL ?? '',
      driver: this.driver ?? undefined,
      stuckAfterMs: config.AGENT_STUCK_AFTER_MS,
      progressIntervalMs: deps.progressIntervalMs,
      killGraceMs: deps.killGraceMs,
      timeline: this.timeline,
      workspaces,
    });
    this.runner = runner;
    this.branches = new TaskBranches({ repo, runner, voice, timeline: this.timeline, workspaces, logger });
    const history = () => this.history();
    const responder = () => this.responder;
    const helpDesk = new HelpDesk({ roster, runner, voice, responder, history, logger });
    const exclusive = <T>(fn: () => Promise<T>) => this.rosterLock.run('roster', fn);
    this.commands = { repo, runner, voice, responder, logger, exclusive };
    this.leader = new Leader({ repo, dispatch, roster, runner });
    this.cluster = new ClusterRole({
      repo,
      dispatch,
      hub,
      roster,
      runner,
      logger,
      exclusive,
      killGraceMs: deps.killGraceMs,
    });
    this.router = new MentionRouter({
      hub,
      repo,
      roster,
      runner,
      helpDesk,
      voice,
      latency: this.latency,
      responder,
      history,
      recent: (limit) => this.deps.chat.history(null, limit),
      logger,
      asks: this.driver?.asks,
      // In a cluster a mention may name someone hired or fired on another instance a moment ago.
      refreshRoster: dispatch.shared ? () => this.cluster.sweep.syncRoster() : undefined,
      branches: this.branches,
    });
    this.tasks = new TaskQueries(repo, this.timeline);
    this.answers = new AskAnswers({ driver: this.driver, dispatch, cluster: this.cluster, logger });
  }

  /** Who answers API calls here: this instance, or (another runs the agents) the shared tables and a ring. */
  private get seat(): Leader | Follower {
    return this.cluster.following ? this.cluster.follower : this.leader;
  }

  /** Whether this instance runs the agents (alone: once started; in a cluster: while it holds the role). */
  get runsHere(): boolean {
    return this.cluster.leading;
  }

  /** Before the role is decided: an instance that will not run the agents still lists them (cluster only). */
  async init(): Promise<void> {
    // Every instance serves tasks.onUpdate, whichever runs the agents.
    await this.timeline.start();
    if (this.dispatch.shared) await this.cluster.follower.sync();
  }

  /** Loads the agents, listens for mentions, then recovers tasks from before a restart (or a failover). */
  async start(): Promise<void> {
    if (this.cluster.leading) return;
    this.cluster.leading = true;
    await this.rosterLock.run('roster', async () => this.roster.mirror(await this.repo.listAgents(), []));
    // An agent whose last task failed before a restart still shows it.
    for (const { name } of this.roster.all())
      this.roster.restoreLastTask(
        name,
        (await this.repo.listTasks({ agent: name, order: 'desc', limit: 1 }))[0],
      );
    this.driver?.server.resume();
    // AGENT_MODEL is checked (and opencode started) now; otherwise opencode starts with the first task.
    if (this.deps.config.AGENT_MODEL) void this.checkModel();
    this.router.start();
    await this.runner.recover();
    // Whatever other instances queued or asked while nobody ran the agents.
    if (this.dispatch.shared) await this.cluster.sweep.sweep();
  }

  /** Stops listening and stops every worker (SIGTERM, then SIGKILL after 5 s); their tasks stay "running". */
  async stop(): Promise<void> {
    this.cluster.leading = false;
    await this.router.stop();
    await this.runner.shutdown();
    await this.driver?.server.stop();
  }

  /** At start: opencode is started and AGENT_MODEL checked against its models; a problem is logged for admins. */
  private async checkModel(): Promise<void> {
    try {
      await this.driver?.checkModel(this.deps.config.AGENT_MODEL ?? '');
    } catch (error) {
      this.deps.logger.error({ detail: (error as Error).message }, 'agents cannot run tasks');
    }
  }

  /** The chat lines before `messageId` (the conversation that led to a task), oldest first. */
  private async context(messageId: number | null): Promise<ChatLine[]> {
    const messages = await this.deps.chat.history(messageId === null ? null : messageId + 1, HISTORY_CONTEXT);
    return messages.map((m) => ({ sender: m.sender, text: m.text }));
  }

  private async history(): Promise<ChatLine[]> {
    const messages = await this.deps.chat.history(null, HISTORY_CONTEXT);
    return messages.map((m) => ({ sender: m.sender, text: m.text }));
  }

  private assertModel(model: string): Promise<void> {
    return assertModel(this.driver, model);
  }

  list(): Promise<AgentView[]> {
    return this.seat.list();
  }

  hire(input: HireInput, by: string): Promise<AgentView> {
    const { hub, chat } = this.deps;
    return hire(
      { ...this.commands, hub, chat, assertModel: (m) => this.assertModel(m) },
      this.seat,
      input,
      by,
    );
  }

  fire(name: string, by: string): Promise<FireResult> {
    return fire(this.commands, this.seat, name, by);
  }

  /** Assigns a task without a chat message; the agent acknowledges in chat all the same. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    if (input.model) await this.assertModel(input.model);
    return assign(this.commands, this.seat, input, by);
  }

  /** Admins, or whoever assigned the running task, may stop it. */
  stopTask(employee: string, by: User): Promise<Task> {
    return stopTask(this.repo, this.seat, employee, by);
  }

  /** Prompts a finished or interrupted task's session again, as a new task ("continue"). */
  continueTask(id: number, by: User, text = 'continue'): Promise<{ task: Task; ahead: number }> {
    const following = this.cluster.following;
    return continueTask({ ...this.commands, roster: this.roster, following }, id, by, text);
  }

  listTasks(query: Omit<TaskQuery, 'order'>): Promise<Task[]> {
    return this.tasks.list(query);
  }

  taskLog(id: number, afterId?: number, limit?: number): ReturnType<TaskQueries['log']> {
    return this.tasks.log(id, afterId, limit);
  }

  /** A task's stored timeline after `afterId`, in id order; `nextAfter` is set when there may be more. */
  taskTimeline(id: number, afterId?: number, limit?: number): ReturnType<TaskQueries['timelineOf']> {
    return this.tasks.timelineOf(id, afterId, limit);
  }

  async status(): Promise<AgentsStatus> {
    return {
      agents: await this.list(),
      active: await this.repo.listTasks({ statuses: ['running', 'stuck'] }),
      queue: await this.repo.listTasks({ statuses: ['queued'] }),
    };
  }

  /**
   * Answers an agent's question or permission request (web and Telegram buttons; chat replies come here too). The
   * asks live where the agents run: another instance forwards the answer there and waits for the outcome.
   */
  answerAsk(askId: string, answer: string, by: User): Promise<AskAnswer> {
    return this.answers.answer(askId, answer, by);
  }

  /** A task's changes against its base branch, per file (the assigner or an admin). */
  taskDiff(taskId: number, by: User): Promise<TaskDiff> {
    return this.branches.diff(taskId, by);
  }

  /** Merges a task's branch into its base (fast-forward or a merge commit); CONFLICT names the files. */
  mergeTask(taskId: number, by: User): Promise<MergeResult> {
    return this.branches.merge(taskId, by);
  }

  /** Drops a task's branch and its worktree. */
  discardTask(taskId: number, by: User): Promise<{ taskId: number; branch: string }> {
    return this.branches.discard(taskId, by);
  }

  /** For admins: which coding agent runs the tasks, and opencode's state, version, models and last error. */
  workerInfo(): WorkerInfo {
    return this.driver
      ? { mode: 'opencode', opencode: this.driver.server.info() }
      : { mode: 'command', opencode: null };
  }

  stats(): AgentStats {
    const { roster, runner, responder, latency, limiter } = this;
    const worker = this.driver
      ? { mode: 'opencode' as const, state: this.driver.server.info().state }
      : { mode: 'command' as const, state: null };
    return agentStats({
      roster,
      runner,
      responder,
      latency,
      limiter,
      following: this.cluster.following,
      worker,
    });
  }
}
