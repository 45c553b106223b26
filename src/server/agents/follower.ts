// The agents' commands on an instance that does not run the agents (several instances on PostgreSQL): agents
// and tasks are read from the shared tables, and the instance that runs the agents is rung, which reloads its
// roster, starts the queued task or stops the worker. Views come from the tables, so every instance answers
// employees.list and tasks.status alike. The commands themselves live in commands/.
import type { Logger } from 'pino';
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { Agent, AgentsRepository, Task } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import { coalesce } from '../serial';
import { type AgentView, agentView, noSuchAgent, statusFromTask } from './agent-view';
import type { Seat } from './commands/seat';
import type { Roster } from './roster';

export interface FollowerDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  logger: Logger;
  /** How long a stop may take on the running instance: its kill grace plus the doorbell's safety-net delay. */
  stopWaitMs: number;
}

const ACTIVE = ['running', 'stuck'] as const;
const POLL_MS = 100;

export class Follower implements Seat {
  /** Reloads the quiet roster mirror that feeds presence.list() here. */
  readonly sync: () => Promise<void>;

  constructor(private readonly d: FollowerDeps) {
    this.sync = coalesce(async () => {
      d.roster.mirror(await d.repo.listAgents(), await d.repo.listTasks({ statuses: [...ACTIVE] }));
    });
  }

  async agent(name: string): Promise<Agent> {
    const agent = await this.d.repo.getAgent(name);
    if (!agent) throw noSuchAgent(name);
    return agent;
  }

  async runningTask(name: string): Promise<Task | null> {
    const [task] = await this.d.repo.listTasks({ agent: name, statuses: [...ACTIVE] });
    return task ?? null;
  }

  /** The running instance announces the new agent when the ring makes it reload. */
  joined(): void {}

  /** The running instance announces the departure (and stops the worker) when it reloads. */
  left(): void {}

  async announce(): Promise<void> {
    await this.d.dispatch.ring();
    await this.sync();
  }

  /** The running instance claims and starts it on the ring. */
  async queued(_employee: string, task: Task): Promise<Task> {
    await this.d.dispatch.ring();
    return task;
  }

  async stop(task: Task, reason: string): Promise<Task> {
    await this.d.dispatch.requestStop(task.id, reason);
    await this.d.dispatch.ring();
    return this.finished(task);
  }

  async firedWork(name: string): Promise<() => Promise<Task | null>> {
    // Read after the delete, before the ring: a task the running instance started meanwhile is found here too.
    const running = await this.runningTask(name);
    return async () => (running ? this.finished(running) : null);
  }

  async list(): Promise<AgentView[]> {
    const [employees, active, queued] = await Promise.all([
      this.d.repo.listAgents(),
      this.d.repo.listTasks({ statuses: [...ACTIVE] }),
      this.d.repo.listTasks({ statuses: ['queued'] }),
    ]);
    return employees.map((e) => this.viewOf(e, active, queued));
  }

  async view(agent: Agent): Promise<AgentView> {
    const [active, queued] = await Promise.all([
      this.d.repo.listTasks({ agent: agent.name, statuses: [...ACTIVE] }),
      this.d.repo.listTasks({ agent: agent.name, statuses: ['queued'] }),
    ]);
    return this.viewOf(agent, active, queued);
  }

  private viewOf(agent: Agent, active: Task[], queued: Task[]): AgentView {
    const task = active.find((t) => t.employee === agent.name);
    const status = statusFromTask(task);
    const waiting = queued.filter((t) => t.employee === agent.name).length;
    return agentView(agent, status, task ? { task, progress: task.progress } : null, waiting);
  }

  /** Waits until the running instance has recorded the end of `task` (its worker stopped). */
  private async finished(task: Task): Promise<Task> {
    const deadline = Date.now() + this.d.stopWaitMs;
    for (;;) {
      const now = await this.d.repo.getTask(task.id);
      if (!now || !(ACTIVE as readonly string[]).includes(now.status)) return now ?? task;
      if (Date.now() > deadline)
        throw new DomainError(
          'TIMEOUT',
          `asked the instance running the agents to stop task #${task.id}, but it is still ${now.status} after ${Math.round(this.d.stopWaitMs / 1000)} s; see tasks.status`,
        );
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
