// The agents' front door: hire/fire, tasks, logs, status and stats for routers and REST; composes the roster,
// task runner, help desk and mention router, and owns their start-up and shutdown. API calls go to the Leader on
// the instance running the agents; with several instances, to the Follower on the others (see cluster-role.ts).
import type { Logger } from 'pino';
import type { TaskUpdate } from '../../shared/task-timeline';
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
import { PostLimiter } from './post-limiter';
import type { ChatLine, Responder } from './responder';
import { responderFor } from './responder-choice';
import { Roster } from './roster';
import type { AssignInput, HireInput } from './schemas';
import { TaskRunner } from './task-runner';
import { TaskTimeline } from './task-timeline';
import { Voice } from './voice';

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

export interface AgentsStatus {
  agents: EmployeeView[];
  active: Task[];
  queue: Task[];
}

const HISTORY_CONTEXT = 12;

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
    const runner = new TaskRunner({
      repo,
      roster,
      voice,
      logger,
      workerCommand: config.AGENT_WORKER_COMMAND,
      projectRoot: config.PROJECT_ROOT,
      stuckAfterMs: config.AGENT_STUCK_AFTER_MS,
      progressIntervalMs: deps.progressIntervalMs,
      killGraceMs: deps.killGraceMs,
      timeline: this.timeline,
    });
    this.runner = runner;
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
      // In a cluster a mention may name someone hired or fired on another instance a moment ago.
      refreshRoster: dispatch.shared ? () => this.cluster.sweep.syncRoster() : undefined,
    });
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
  assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
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

  stats(): AgentStats {
    const { roster, runner, responder, latency, limiter } = this;
    return agentStats({ roster, runner, responder, latency, limiter, following: this.cluster.following });
  }
}
