// Agent API calls on an instance that does not run the agents (several instances on PostgreSQL): they read and
// write the shared tables and ring the instance that does, which reloads its roster, starts the queued task or
// stops the worker. Views come from the tables, so every instance answers employees.list and tasks.status alike.
import type { Logger } from 'pino';
import type { User } from '../auth';
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { AgentsRepository, Employee, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';
import { coalesce } from '../serial';
import {
  assertMayStop,
  type EmployeeView,
  employeeView,
  noRunningTask,
  noSuchEmployee,
  statusFromTask,
} from './employee-view';
import type { Roster } from './roster';
import type { AssignInput } from './schemas';

export interface FollowerDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  logger: Logger;
  /** Queues the task and posts the agent's acknowledgement, the same way as on the running instance. */
  queue: (employee: Employee, input: AssignInput, by: User) => Promise<{ task: Task; ahead: number }>;
  /** How long a stop may take on the running instance: its kill grace plus the doorbell's safety-net delay. */
  stopWaitMs: number;
}

const ACTIVE = ['running', 'stuck'] as const;
const POLL_MS = 100;

export class Follower {
  /** Reloads the quiet roster mirror that feeds presence.list() here. */
  readonly sync: () => Promise<void>;

  constructor(private readonly d: FollowerDeps) {
    this.sync = coalesce(async () => {
      d.roster.mirror(await d.repo.listEmployees(), await d.repo.listTasks({ statuses: [...ACTIVE] }));
    });
  }

  private async employee(name: string): Promise<Employee> {
    const employee = await this.d.repo.getEmployee(name);
    if (!employee) throw noSuchEmployee(name);
    return employee;
  }

  async list(): Promise<EmployeeView[]> {
    const [employees, active, queued] = await Promise.all([
      this.d.repo.listEmployees(),
      this.d.repo.listTasks({ statuses: [...ACTIVE] }),
      this.d.repo.listTasks({ statuses: ['queued'] }),
    ]);
    return employees.map((e) => this.viewOf(e, active, queued));
  }

  async view(employee: Employee): Promise<EmployeeView> {
    const [active, queued] = await Promise.all([
      this.d.repo.listTasks({ employee: employee.name, statuses: [...ACTIVE] }),
      this.d.repo.listTasks({ employee: employee.name, statuses: ['queued'] }),
    ]);
    return this.viewOf(employee, active, queued);
  }

  private viewOf(employee: Employee, active: Task[], queued: Task[]): EmployeeView {
    const task = active.find((t) => t.employee === employee.name);
    const status = statusFromTask(task);
    const waiting = queued.filter((t) => t.employee === employee.name).length;
    return employeeView(employee, status, task ? { task, progress: task.progress } : null, waiting);
  }

  /** After the insert (the caller's): tells the running instance, which announces the new agent. */
  async hired(): Promise<void> {
    await this.d.dispatch.ring();
    await this.sync();
  }

  /** Cancels the queue and removes the employee; the running instance stops its worker when it reloads. */
  async fire(
    name: string,
    by: string,
  ): Promise<{ name: string; cancelledTasks: number; stoppedTask: Task | null }> {
    await this.employee(name);
    const cancelled = await this.d.repo.moveTasks(['queued'], 'cancelled', `${name} was fired by ${by}`, {
      employee: name,
    });
    await this.d.repo.deleteEmployee(name);
    // Read after the delete: a task the running instance started meanwhile is found here too.
    const [running] = await this.d.repo.listTasks({ employee: name, statuses: [...ACTIVE] });
    await this.d.dispatch.ring();
    await this.sync();
    this.d.logger.info({ agent: name, by }, 'employee fired (the running instance stops the worker)');
    return {
      name,
      cancelledTasks: cancelled.length,
      stoppedTask: running ? await this.finished(running) : null,
    };
  }

  /** Queues the task and acknowledges it; the running instance claims and starts it on the ring. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    const queued = await this.d.queue(await this.employee(input.employee), input, by);
    await this.d.dispatch.ring();
    return queued;
  }

  async stopTask(employee: string, by: User): Promise<Task> {
    await this.employee(employee);
    const [task] = await this.d.repo.listTasks({ employee, statuses: [...ACTIVE] });
    if (!task) {
      const queued = await this.d.repo.listTasks({ employee, statuses: ['queued'] });
      throw noRunningTask(employee, queued.length);
    }
    assertMayStop(task, by);
    await this.d.dispatch.requestStop(task.id, `stopped by ${by.id}`);
    await this.d.dispatch.ring();
    return this.finished(task);
  }

  /** Waits until the running instance has recorded the end of `task` (its worker stopped). */
  private async finished(task: Task): Promise<Task> {
    const deadline = Date.now() + this.d.stopWaitMs;
    for (;;) {
      const now = await this.d.repo.getTask(task.id);
      if (!now || !(ACTIVE as readonly string[]).includes(now.status)) return now ?? task;
      if (Date.now() > deadline)
        throw new ChatError(
          'TIMEOUT',
          `asked the instance running the agents to stop task #${task.id}, but it is still ${now.status} after ${Math.round(this.d.stopWaitMs / 1000)} s; see tasks.status`,
        );
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
