// The agents' front door: hire/fire, tasks, logs, status and stats for routers and REST; composes the roster,
// task runner, help desk and mention router, and owns their start-up and shutdown. With several instances only
// the holder of the agents role runs them; API calls on the others go through the Follower (shared tables + ring).
import type { Logger } from 'pino';
import type { User } from '../auth';
import type { Config } from '../config';
import { type AgentsDispatch, SoleDispatch } from '../db/agents-dispatch';
import {
  type AgentsRepository,
  type Employee,
  EmployeeExistsError,
  type Task,
  type TaskLogLine,
  type TaskStatus,
} from '../db/agents-repository';
import type { Repository } from '../db/repository';
import { ChatError } from '../hub/errors';
import type { Hub } from '../hub/hub';
import { DeterministicResponder } from './deterministic-responder';
import {
  assertMayStop,
  type EmployeeView,
  employeeView,
  noRunningTask,
  noSuchEmployee,
} from './employee-view';
import { Follower } from './follower';
import { HelpDesk } from './help-desk';
import { LatencyRecorder, type LatencySummary } from './latency';
import { LeaderSweep } from './leader-sweep';
import { LlmResponder } from './llm-responder';
import { MentionRouter } from './mention-router';
import { PostLimiter } from './post-limiter';
import type { ChatLine, Responder } from './responder';
import { Roster } from './roster';
import type { AssignInput, HireInput } from './schemas';
import { KeyedLock } from './serial';
import { TaskRunner } from './task-runner';
import { Voice } from './voice';
import { KILL_GRACE_MS } from './worker';

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
}

export type { EmployeeView } from './employee-view';

export interface AgentStats {
  employees: number;
  working: number;
  responder: 'deterministic' | 'llm';
  /** Mention committed -> reply committed, over the last 1000 replies. */
  responseLatency: LatencySummary;
  droppedPosts: number;
  droppedByAgent: Record<string, number>;
  llmFallbacks: number;
}

export interface AgentsStatus {
  agents: EmployeeView[];
  active: Task[];
  queue: Task[];
}

const HISTORY_CONTEXT = 12;

export class AgentsService {
  readonly roster: Roster;
  readonly runner: TaskRunner;
  readonly responder: Responder;
  private readonly repo: AgentsRepository;
  private readonly limiter: PostLimiter;
  private readonly voice: Voice;
  private readonly latency = new LatencyRecorder();
  private readonly router: MentionRouter;
  private readonly dispatch: AgentsDispatch;
  private readonly follower: Follower;
  private readonly sweep: LeaderSweep;
  private readonly rosterLock = new KeyedLock();
  /** True while this instance runs the agents (always, once started, when it is alone). */
  private leading = false;

  constructor(private readonly deps: AgentsServiceDeps) {
    const { config, logger, hub } = deps;
    this.repo = deps.repo;
    this.dispatch = deps.dispatch ?? new SoleDispatch();
    this.roster = new Roster(hub);
    // Registered once, here: presence lists the agents on every instance, running them or mirroring them.
    hub.presence.addSource(() => this.roster.presence());
    this.limiter = new PostLimiter({
      perHour: config.AGENT_POSTS_PER_HOUR,
      minIntervalMs: config.AGENT_MIN_POST_INTERVAL_MS,
    });
    const voice = new Voice(hub, logger, this.limiter);
    this.voice = voice;
    this.responder =
      deps.responder ??
      (config.AGENT_MODEL && (config.OPENAI_BASE_URL || config.OPENAI_API_KEY)
        ? new LlmResponder({
            baseURL: config.OPENAI_BASE_URL,
            apiKey: config.OPENAI_API_KEY,
            model: config.AGENT_MODEL,
            logger,
          })
        : new DeterministicResponder());
    this.runner = new TaskRunner({
      repo: this.repo,
      roster: this.roster,
      voice,
      logger,
      workerCommand: config.AGENT_WORKER_COMMAND,
      projectRoot: config.PROJECT_ROOT,
      stuckAfterMs: config.AGENT_STUCK_AFTER_MS,
      progressIntervalMs: deps.progressIntervalMs,
      killGraceMs: deps.killGraceMs,
    });
    const history = () => this.history();
    const helpDesk = new HelpDesk({
      roster: this.roster,
      runner: this.runner,
      voice,
      responder: () => this.responder,
      history,
      logger,
    });
    const exclusive = <T>(fn: () => Promise<T>) => this.rosterLock.run('roster', fn);
    this.sweep = new LeaderSweep({
      repo: this.repo,
      dispatch: this.dispatch,
      roster: this.roster,
      runner: this.runner,
      logger,
      exclusive,
    });
    this.follower = new Follower({
      repo: this.repo,
      dispatch: this.dispatch,
      roster: this.roster,
      logger,
      queue: (employee, input, by) => this.queue(employee, input, by),
      // The kill grace, plus the safety-net delay should the ring be lost, plus margin.
      stopWaitMs: (deps.killGraceMs ?? KILL_GRACE_MS) + 10_000,
    });
    this.router = new MentionRouter({
      hub,
      repo: this.repo,
      roster: this.roster,
      runner: this.runner,
      helpDesk,
      voice,
      latency: this.latency,
      responder: () => this.responder,
      history,
      logger,
      // In a cluster a mention may name someone hired or fired on another instance a moment ago.
      refreshRoster: this.dispatch.shared ? () => this.sweep.syncRoster() : undefined,
    });
    if (this.dispatch.shared) this.followCluster();
  }

  /** True when another instance runs the agents: API calls go through the shared tables and a ring. */
  private get following(): boolean {
    return this.dispatch.shared && !this.leading;
  }

  private followCluster(): void {
    const log = (err: unknown) => this.deps.logger.warn({ err }, 'agents: reloading after a ring failed');
    this.dispatch.onRing(() => {
      void (this.leading ? this.sweep.sweep() : this.follower.sync()).catch(log);
    });
    // Between reloads, the mirror follows the running instance's status events (they cross instances).
    this.deps.hub.onEvent((event) => {
      if (this.following && event.type === 'activity' && event.activity.type === 'agent-status')
        this.roster.mirrorStatus(event.activity.agent, event.activity.status, event.activity.task);
    });
  }

  /** Before the role is decided: an instance that will not run the agents still lists them (cluster only). */
  async init(): Promise<void> {
    if (this.dispatch.shared) await this.follower.sync();
  }

  /** Loads the employees, listens for mentions, then recovers tasks from before a restart (or a failover). */
  async start(): Promise<void> {
    if (this.leading) return;
    this.leading = true;
    await this.rosterLock.run('roster', async () => this.roster.mirror(await this.repo.listEmployees(), []));
    this.router.start();
    await this.runner.recover();
    // Whatever other instances queued or asked while nobody ran the agents.
    if (this.dispatch.shared) await this.sweep.sweep();
  }

  /** Stops listening and stops every worker (SIGTERM, then SIGKILL after 5 s); their tasks stay "running". */
  async stop(): Promise<void> {
    this.leading = false;
    await this.router.stop();
    await this.runner.shutdown();
  }

  private async history(): Promise<ChatLine[]> {
    const messages = await this.deps.chat.history(null, HISTORY_CONTEXT);
    return messages.map((m) => ({ sender: m.sender, text: m.text }));
  }

  private employee(name: string): Employee {
    const employee = this.roster.get(name);
    if (!employee) throw noSuchEmployee(name);
    return employee;
  }

  private async view(employee: Employee): Promise<EmployeeView> {
    const run = this.runner.active(employee.name);
    const queued = await this.repo.listTasks({ employee: employee.name, statuses: ['queued'] });
    return employeeView(employee, this.roster.status(employee.name), run, queued.length);
  }

  async list(): Promise<EmployeeView[]> {
    if (this.following) return this.follower.list();
    return Promise.all(this.roster.all().map((e) => this.view(e)));
  }

  async hire(input: HireInput, by: string): Promise<EmployeeView> {
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
      if (!this.following) this.roster.add(inserted);
      return inserted;
    });
    this.deps.logger.info({ agent: employee.name, role: employee.role, by }, 'employee hired');
    if (this.following) {
      await this.follower.hired();
      return this.follower.view(employee);
    }
    await this.dispatch.ring();
    return this.view(employee);
  }

  async fire(
    name: string,
    by: string,
  ): Promise<{ name: string; cancelledTasks: number; stoppedTask: Task | null }> {
    if (this.following) return this.follower.fire(name, by);
    this.employee(name);
    const cancelled = await this.rosterLock.run('roster', () =>
      this.runner.withLock(name, async () => {
        const tasks = await this.repo.moveTasks(['queued'], 'cancelled', `${name} was fired by ${by}`, {
          employee: name,
        });
        await this.repo.deleteEmployee(name);
        this.roster.remove(name);
        return tasks;
      }),
    );
    await this.dispatch.ring();
    const stoppedTask = this.runner.active(name)
      ? await this.runner.stop(name, `${name} was fired by ${by}`)
      : null;
    this.deps.logger.info({ agent: name, by }, 'employee fired');
    return { name, cancelledTasks: cancelled.length, stoppedTask };
  }

  /** Queues the task and posts the agent's "on it" in chat, addressed to whoever assigned it. */
  private async queue(
    employee: Employee,
    input: AssignInput,
    by: User,
  ): Promise<{ task: Task; ahead: number }> {
    const queued = await this.runner.enqueue({
      employee,
      description: input.description,
      assignedBy: by.id,
      messageId: null,
      model: input.model,
      mode: input.mode,
    });
    const ack = this.responder.acknowledge({
      agent: employee,
      task: queued.task.description,
      ahead: queued.ahead,
      seed: queued.task.id,
    });
    await this.voice.say(employee.name, `@${by.id} ${ack}`);
    return queued;
  }

  /** Assigns a task without a chat message; the agent acknowledges in chat all the same. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    if (this.following) return this.follower.assign(input, by);
    const employee = this.employee(input.employee);
    const result = await this.runner.withLock(employee.name, () => this.queue(employee, input, by));
    await this.runner.startNext(employee.name);
    return { task: (await this.repo.getTask(result.task.id)) ?? result.task, ahead: result.ahead };
  }

  async listTasks(query: { employee?: string; statuses?: TaskStatus[]; limit?: number }): Promise<Task[]> {
    return this.repo.listTasks({ ...query, limit: query.limit ?? 100, order: 'desc' });
  }

  /** Admins, or whoever assigned the running task, may stop it. */
  async stopTask(employee: string, by: User): Promise<Task> {
    if (this.following) return this.follower.stopTask(employee, by);
    this.employee(employee);
    const run = this.runner.active(employee);
    if (!run) {
      const queued = await this.repo.listTasks({ employee, statuses: ['queued'] });
      throw noRunningTask(employee, queued.length);
    }
    assertMayStop(run.task, by);
    return this.runner.stop(employee, `stopped by ${by.id}`);
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

  async status(): Promise<AgentsStatus> {
    return {
      agents: await this.list(),
      active: await this.repo.listTasks({ statuses: ['running', 'stuck'] }),
      queue: await this.repo.listTasks({ statuses: ['queued'] }),
    };
  }

  stats(): AgentStats {
    const all = this.roster.all();
    return {
      employees: all.length,
      // Elsewhere in a cluster the mirror's statuses tell who works; here the runner knows.
      working: all.filter((e) =>
        this.following ? this.roster.status(e.name) !== 'idle' : this.runner.active(e.name),
      ).length,
      responder: this.responder.kind,
      responseLatency: this.latency.summary(),
      droppedPosts: this.limiter.droppedTotal,
      droppedByAgent: Object.fromEntries(this.limiter.dropped),
      llmFallbacks: this.responder instanceof LlmResponder ? this.responder.fallbacks : 0,
    };
  }
}
