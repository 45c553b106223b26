// The agents' front door: hire/fire, tasks, logs, status and stats for routers and REST; composes the roster,
// task runner, help desk and mention router, and owns their start-up and shutdown.
import type { Logger } from 'pino';
import type { AgentStatus } from '../../shared/activity';
import type { User } from '../auth';
import type { Config } from '../config';
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
import { HelpDesk } from './help-desk';
import { LatencyRecorder, type LatencySummary } from './latency';
import { LlmResponder } from './llm-responder';
import { MentionRouter } from './mention-router';
import { PostLimiter } from './post-limiter';
import type { ChatLine, Responder } from './responder';
import { expertiseFor } from './roles';
import { Roster } from './roster';
import type { AssignInput, HireInput } from './schemas';
import { TaskRunner } from './task-runner';
import { Voice } from './voice';

export interface AgentsServiceDeps {
  config: Config;
  logger: Logger;
  hub: Hub;
  chat: Repository;
  repo: AgentsRepository;
  /** Overrides the responder chosen from the settings. */
  responder?: Responder;
  killGraceMs?: number;
  progressIntervalMs?: number;
}

export interface EmployeeView extends Employee {
  status: AgentStatus;
  expertise: string[];
  currentTask: { id: number; description: string; progress: string | null; startedAt: string | null } | null;
  queued: number;
}

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
  private started = false;

  constructor(private readonly deps: AgentsServiceDeps) {
    const { config, logger, hub } = deps;
    this.repo = deps.repo;
    this.roster = new Roster(hub);
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
    });
  }

  /** Loads the employees, joins presence, listens for mentions, then recovers tasks from before a restart. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.roster.load(await this.repo.listEmployees());
    this.deps.hub.presence.addSource(() => this.roster.presence());
    this.router.start();
    await this.runner.recover();
  }

  /** Stops listening and stops every worker (SIGTERM, then SIGKILL after 5 s); their tasks stay "running". */
  async stop(): Promise<void> {
    await this.router.stop();
    await this.runner.shutdown();
  }

  private async history(): Promise<ChatLine[]> {
    const messages = await this.deps.chat.history(null, HISTORY_CONTEXT);
    return messages.map((m) => ({ sender: m.sender, text: m.text }));
  }

  private employee(name: string): Employee {
    const employee = this.roster.get(name);
    if (!employee)
      throw new ChatError('NOT_FOUND', `there is no employee named ${name}; hire one first (employees.hire)`);
    return employee;
  }

  private async view(employee: Employee): Promise<EmployeeView> {
    const run = this.runner.active(employee.name);
    const queued = await this.repo.listTasks({ employee: employee.name, statuses: ['queued'] });
    return {
      ...employee,
      status: this.roster.status(employee.name),
      expertise: expertiseFor(employee.role),
      currentTask: run
        ? {
            id: run.task.id,
            description: run.task.description,
            progress: run.progress,
            startedAt: run.task.startedAt,
          }
        : null,
      queued: queued.length,
    };
  }

  async list(): Promise<EmployeeView[]> {
    return Promise.all(this.roster.all().map((e) => this.view(e)));
  }

  async hire(input: HireInput, by: string): Promise<EmployeeView> {
    let employee: Employee;
    try {
      employee = await this.repo.insertEmployee({ ...input, hiredBy: by, hiredAt: new Date().toISOString() });
    } catch (error) {
      if (error instanceof EmployeeExistsError)
        throw new ChatError('BAD_REQUEST', `${error.message}; pick another name or fire ${input.name} first`);
      throw error;
    }
    this.roster.add(employee);
    this.deps.logger.info({ agent: employee.name, role: employee.role, by }, 'employee hired');
    return this.view(employee);
  }

  async fire(
    name: string,
    by: string,
  ): Promise<{ name: string; cancelledTasks: number; stoppedTask: Task | null }> {
    this.employee(name);
    const cancelled = await this.runner.withLock(name, async () => {
      const tasks = await this.repo.moveTasks(['queued'], 'cancelled', `${name} was fired by ${by}`, {
        employee: name,
      });
      await this.repo.deleteEmployee(name);
      this.roster.remove(name);
      return tasks;
    });
    const stoppedTask = this.runner.active(name)
      ? await this.runner.stop(name, `${name} was fired by ${by}`)
      : null;
    this.deps.logger.info({ agent: name, by }, 'employee fired');
    return { name, cancelledTasks: cancelled.length, stoppedTask };
  }

  /** Assigns a task without a chat message; the agent acknowledges in chat all the same. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    const employee = this.employee(input.employee);
    const result = await this.runner.withLock(employee.name, async () => {
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
    });
    await this.runner.startNext(employee.name);
    return { task: (await this.repo.getTask(result.task.id)) ?? result.task, ahead: result.ahead };
  }

  async listTasks(query: { employee?: string; statuses?: TaskStatus[]; limit?: number }): Promise<Task[]> {
    return this.repo.listTasks({ ...query, limit: query.limit ?? 100, order: 'desc' });
  }

  /** Admins, or whoever assigned the running task, may stop it. */
  async stopTask(employee: string, by: User): Promise<Task> {
    this.employee(employee);
    const run = this.runner.active(employee);
    if (!run) {
      const queued = await this.repo.listTasks({ employee, statuses: ['queued'] });
      throw new ChatError(
        'NOT_FOUND',
        `${employee} has no running task to stop${queued.length ? ` (${queued.length} queued)` : ''}`,
      );
    }
    if (by.role !== 'admin' && run.task.assignedBy !== by.id)
      throw new ChatError(
        'FORBIDDEN',
        `only an admin or ${run.task.assignedBy} (who assigned it) may stop ${employee}'s task`,
      );
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
      working: all.filter((e) => this.runner.active(e.name)).length,
      responder: this.responder.kind,
      responseLatency: this.latency.summary(),
      droppedPosts: this.limiter.droppedTotal,
      droppedByAgent: Object.fromEntries(this.limiter.dropped),
      llmFallbacks: this.responder instanceof LlmResponder ? this.responder.fallbacks : 0,
    };
  }
}
