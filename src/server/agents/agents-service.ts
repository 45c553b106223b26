// The agents' front door: hire/fire, tasks, logs, status and stats for routers and REST; composes the roster,
// task runner, help desk and mention router, and owns their start-up and shutdown. API calls go to the Leader on
// the instance running the agents; with several instances, to the Follower on the others (see cluster-role.ts).
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { MergeResult, TaskDiff } from '../../shared/task-branch';
import type { TaskUpdate } from '../../shared/task-timeline';
import type { User } from '../auth';
import type { Config } from '../config';
import { MODEL_ID } from '../config';
import {
  type AgentsDispatch,
  type AnswerOutcome,
  type AnswerRequest,
  SoleDispatch,
} from '../db/agents-dispatch';
import {
  type AgentsRepository,
  type Employee,
  EmployeeExistsError,
  type Task,
  type TaskLogLine,
  type TaskStatus,
} from '../db/agents-repository';
import type { Repository } from '../db/repository';
import type { TimelineSignal } from '../db/timeline-signal';
import { ChatError } from '../hub/errors';
import type { Hub } from '../hub/hub';
import { KeyedLock } from '../serial';
import { type AgentStats, agentStats } from './agent-stats';
import { ClusterRole } from './cluster-role';
import type { EmployeeView } from './employee-view';
import type { Follower } from './follower';
import { HelpDesk } from './help-desk';
import { LatencyRecorder } from './latency';
import { Leader } from './leader';
import { MentionRouter } from './mention-router';
import type { PendingAsk } from './opencode/ask-desk';
import { OpencodeDriver } from './opencode/driver';
import { unknownModel } from './opencode/failure';
import { type OpencodeInfo, OpencodeServer } from './opencode/opencode-server';
import { PostLimiter } from './post-limiter';
import { withRoomInQueue } from './queue-cap';
import type { ChatLine, Responder } from './responder';
import { responderFor } from './responder-choice';
import { Roster } from './roster';
import type { AssignInput, HireInput } from './schemas';
import { TaskBranches } from './task-branches';
import { TaskRunner } from './task-runner';
import { TaskTimeline } from './task-timeline';
import { Voice } from './voice';
import { openWorkspaces, type Workspaces } from './workspace/workspaces';

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

export type { EmployeeView } from './employee-view';

/** A settled ask as API callers see it: here, or on the instance running the agents. */
export type AskAnswer = Pick<PendingAsk, 'askId' | 'answer' | 'answeredBy'> & { task: { id: number } };

export interface AgentsStatus {
  agents: EmployeeView[];
  active: Task[];
  queue: Task[];
}

const HISTORY_CONTEXT = 12;

/** Where the server keeps its own files: DATA_DIR, else the SQLite database's directory, else ./data. */
export function dataDirFor(config: Config): string {
  if (config.DATA_DIR) return resolve(config.DATA_DIR);
  const url = config.DATABASE_URL;
  // An in-memory database (tests) keeps nothing: neither need its files.
  if (url === ':memory:') return join(tmpdir(), 'opencode-slack');
  if (/^postgres(ql)?:/.test(url)) return resolve('data');
  return dirname(resolve(url.replace(/^file:/, '')));
}

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
  private readonly repo: AgentsRepository;
  private readonly limiter: PostLimiter;
  private readonly latency = new LatencyRecorder();
  private readonly router: MentionRouter;
  private readonly dispatch: AgentsDispatch;
  private readonly leader: Leader;
  private readonly cluster: ClusterRole;
  private readonly rosterLock = new KeyedLock();
  /** The opencode driver (no AGENT_WORKER_COMMAND): one supervised `opencode serve` for every task. */
  readonly driver: OpencodeDriver | null;
  /** Review, merge and discard of tasks' git branches. */
  readonly branches: TaskBranches;

  constructor(private readonly deps: AgentsServiceDeps) {
    const { config, logger, hub } = deps;
    const repo = deps.repo;
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
    this.driver = config.AGENT_WORKER_COMMAND
      ? null
      : new OpencodeDriver({
          server: new OpencodeServer({
            projectRoot: config.PROJECT_ROOT,
            logger,
            url: config.OPENCODE_URL,
            // Attaching: the server's password from the settings; starting our own: a random one per start.
            password: config.OPENCODE_URL ? config.OPENCODE_SERVER_PASSWORD : undefined,
            startTimeoutMs: config.OPENCODE_START_TIMEOUT_MS,
          }),
          repo,
          logger,
          projectRoot: config.PROJECT_ROOT,
          modelTimeoutMs: config.AGENT_MODEL_TIMEOUT_MS,
          askTimeoutMs: config.AGENT_ASK_TIMEOUT_MS,
          voice,
          note: (task, event) =>
            void this.timeline
              .append(task, event)
              .catch((err) => logger.error({ err, task: task.id }, 'could not store a timeline entry')),
          context: (task) => this.context(task.messageId),
        });
    // Opened on first use (start-up's recover): whether PROJECT_ROOT is a git repository is asked of git.
    let opened: Promise<Workspaces> | null = null;
    const workspaces = () => {
      opened ??= openWorkspaces({
        projectRoot: config.PROJECT_ROOT,
        dataDir: dataDirFor(config),
        baseBranch: config.AGENT_BASE_BRANCH,
        logger,
      }).catch((error) => {
        opened = null;
        throw error;
      });
      return opened;
    };
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
    this.leader = new Leader({ repo, dispatch, roster, runner, voice, responder, logger, exclusive });
    this.cluster = new ClusterRole({
      repo,
      dispatch,
      hub,
      roster,
      runner,
      logger,
      exclusive,
      queue: (employee, input, by) => this.leader.queue(employee, input, by),
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
    // Answers made on the other instances (buttons, tasks.answer) reach the asks here while the agents run here.
    dispatch.serveAnswers((request) => this.answerForwarded(request));
  }

  /** Who answers API calls here: this instance, or (another runs the agents) the shared tables and a ring. */
  private get calls(): Leader | Follower {
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

  /** Loads the employees, listens for mentions, then recovers tasks from before a restart (or a failover). */
  async start(): Promise<void> {
    if (this.cluster.leading) return;
    this.cluster.leading = true;
    await this.rosterLock.run('roster', async () => this.roster.mirror(await this.repo.listEmployees(), []));
    // An agent whose last task failed before a restart still shows it.
    for (const { name } of this.roster.all())
      this.roster.restoreLastTask(
        name,
        (await this.repo.listTasks({ employee: name, order: 'desc', limit: 1 }))[0],
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

  list(): Promise<EmployeeView[]> {
    return this.calls.list();
  }

  async hire(input: HireInput, by: string): Promise<EmployeeView> {
    await this.assertNotAPerson(input.name);
    if (input.model) await this.assertModel(input.model);
    // Serialised with roster reloads (cluster), so a reload that read the table just before cannot undo the add.
    const employee = await this.rosterLock.run('roster', async () => {
      let inserted: Employee;
      try {
        inserted = await this.repo.insertEmployee({
          ...input,
          hiredBy: by,
          hiredAt: new Date().toISOString(),
        });
      } catch (error) {
        if (error instanceof EmployeeExistsError)
          throw new ChatError(
            'BAD_REQUEST',
            `${error.message}; pick another name or fire ${input.name} first`,
          );
        throw error;
      }
      if (!this.cluster.following) this.roster.add(inserted);
      return inserted;
    });
    this.deps.logger.info({ agent: employee.name, role: employee.role, by }, 'employee hired');
    const calls = this.calls;
    await calls.hired();
    return calls.view(employee);
  }

  /** Hiring under a person's name would let the agent speak as them, or lock them out: refused. */
  private async assertNotAPerson(name: string): Promise<void> {
    const online = this.deps.hub.presence.onlineUsers().some((user) => user.toLowerCase() === name);
    if (online || (await this.deps.chat.hasPersonNamed(name)))
      throw new ChatError(
        'BAD_REQUEST',
        `${name} is already the name of a person here (${online ? 'online now' : 'they have posted'}); pick another name for the employee`,
      );
  }

  fire(
    name: string,
    by: string,
  ): Promise<{ name: string; cancelledTasks: number; stoppedTask: Task | null }> {
    return this.calls.fire(name, by);
  }

  /** Assigns a task without a chat message; the agent acknowledges in chat all the same. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    if (input.model) await this.assertModel(input.model);
    return this.calls.assign(input, by);
  }

  async listTasks(query: { employee?: string; statuses?: TaskStatus[]; limit?: number }): Promise<Task[]> {
    return this.repo.listTasks({ ...query, limit: query.limit ?? 100, order: 'desc' });
  }

  /** Admins, or whoever assigned the running task, may stop it. */
  stopTask(employee: string, by: User): Promise<Task> {
    return this.calls.stopTask(employee, by);
  }

  async taskLog(
    id: number,
    afterId = 0,
    limit = 1000,
  ): Promise<{ task: Task; lines: TaskLogLine[]; nextAfter: number | null }> {
    const task = await this.repo.getTask(id);
    if (!task) throw new ChatError('NOT_FOUND', `there is no task #${id}`);
    const lines = await this.repo.taskLog(id, afterId, limit);
    return { task, lines, nextAfter: lines.length === limit ? (lines[lines.length - 1]?.id ?? null) : null };
  }

  /** A task's stored timeline after `afterId`, in id order; `nextAfter` is set when there may be more. */
  async taskTimeline(
    id: number,
    afterId = 0,
    limit = 500,
  ): Promise<{ task: Task; updates: TaskUpdate[]; nextAfter: number | null }> {
    const task = await this.repo.getTask(id);
    if (!task) throw new ChatError('NOT_FOUND', `there is no task #${id}`);
    const updates = await this.timeline.list(id, afterId, limit);
    return {
      task,
      updates,
      nextAfter: updates.length === limit ? (updates[updates.length - 1]?.id ?? null) : null,
    };
  }

  async status(): Promise<AgentsStatus> {
    return {
      agents: await this.list(),
      active: await this.repo.listTasks({ statuses: ['running', 'stuck'] }),
      queue: await this.repo.listTasks({ statuses: ['queued'] }),
    };
  }

  /** A model for a hire or a task: one opencode offers (when it runs), else a BAD_REQUEST naming the available. */
  private async assertModel(model: string): Promise<void> {
    if (!MODEL_ID.test(model))
      throw new ChatError('BAD_REQUEST', 'model must be provider/model, e.g. anthropic/claude-sonnet-4-5');
    if (!this.driver) return;
    try {
      await this.driver.server.ready();
    } catch {
      return; // opencode is down: the task says so when it starts, the hire need not fail for it
    }
    const { models } = this.driver.server.info();
    if (!models.includes(model)) throw new ChatError('BAD_REQUEST', unknownModel(model, models));
  }

  /**
   * Answers an agent's question or permission request (web and Telegram buttons; chat replies come here too). The
   * asks live where the agents run: another instance forwards the answer there and waits for the outcome.
   */
  async answerAsk(askId: string, answer: string, by: User): Promise<AskAnswer> {
    if (!this.driver)
      throw new ChatError('NOT_FOUND', `there is no open question or permission request ${askId} here`);
    if (!this.cluster.following) return this.driver.asks.answer(askId, answer, by);
    const outcome = await this.dispatch.forwardAnswer({ askId, answer, by: { id: by.id, role: by.role } });
    if (!outcome.ok) throw new ChatError(outcome.code, outcome.message);
    return {
      askId: outcome.askId,
      task: { id: outcome.taskId },
      answer: outcome.answer,
      answeredBy: outcome.by,
    };
  }

  /** The agents leader's side of a forwarded answer: its outcome, or null when the agents do not run here. */
  private async answerForwarded(request: AnswerRequest): Promise<AnswerOutcome | null> {
    if (!this.driver || !this.cluster.leading) return null;
    try {
      const ask = await this.driver.asks.answer(request.askId, request.answer, request.by);
      return { ok: true, askId: ask.askId, taskId: ask.task.id, answer: ask.answer, by: ask.answeredBy };
    } catch (error) {
      if (error instanceof ChatError && error.code !== 'TOO_MANY_REQUESTS' && error.code !== 'CONFLICT')
        return { ok: false, code: error.code, message: error.message };
      this.deps.logger.error({ err: error, ask: request.askId }, 'a forwarded answer failed');
      return {
        ok: false,
        code: 'PRECONDITION_FAILED',
        message: 'the coding agent did not take the answer; try again',
      };
    }
  }

  /** Prompts a finished or interrupted task's session again, as a new task ("continue"). */
  async continueTask(id: number, by: User, text = 'continue'): Promise<{ task: Task; ahead: number }> {
    const previous = await this.repo.getTask(id);
    if (!previous) throw new ChatError('NOT_FOUND', `there is no task #${id}`);
    if (!previous.sessionId)
      throw new ChatError('PRECONDITION_FAILED', `task #${id} has no opencode session to continue`);
    if (['queued', 'running', 'stuck'].includes(previous.status))
      throw new ChatError('PRECONDITION_FAILED', `task #${id} is still ${previous.status}`);
    if (by.role !== 'admin' && by.id !== previous.assignedBy)
      throw new ChatError(
        'FORBIDDEN',
        `only an admin or ${previous.assignedBy} (who assigned it) may continue it`,
      );
    const employee = this.roster.get(previous.employee);
    if (!employee || this.cluster.following)
      throw new ChatError('NOT_FOUND', `${previous.employee} is not working here`);
    // Within the same cap of waiting tasks as tasks.assign and mentions.
    const queued = await this.runner.withLock(employee.name, () =>
      withRoomInQueue(this.repo, by, () =>
        this.runner.enqueue({
          employee,
          description: text,
          assignedBy: by.id,
          messageId: previous.messageId,
          model: previous.model,
          sessionId: previous.sessionId,
          continues: previous.branch ? previous : null,
        }),
      ),
    );
    await this.runner.startNext(employee.name);
    return { task: (await this.repo.getTask(queued.task.id)) ?? queued.task, ahead: queued.ahead };
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
