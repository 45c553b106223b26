// The agents' commands on the instance that runs the agents (alone, always this one): employees come from the live
// roster, tasks start and stop in the runner here, and the other instances of a cluster are rung so they reload.
// The commands themselves live in commands/; the Follower is the same seat on the other instances.
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { AgentsRepository, Employee, Task } from '../db/agents-repository';
import type { Seat } from './commands/seat';
import { type EmployeeView, employeeView, noSuchEmployee } from './employee-view';
import type { Roster } from './roster';
import type { TaskRunner } from './task-runner';

export interface LeaderDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  runner: TaskRunner;
}

/** Re-exported: the cap lives beside the check that both tasks.assign and chat mentions use. */
export { MAX_QUEUED_TASKS } from './queue-cap';

export class Leader implements Seat {
  constructor(private readonly d: LeaderDeps) {}

  async employee(name: string): Promise<Employee> {
    const employee = this.d.roster.get(name);
    if (!employee) throw noSuchEmployee(name);
    return employee;
  }

  async runningTask(name: string): Promise<Task | null> {
    return this.d.runner.active(name)?.task ?? null;
  }

  joined(employee: Employee): void {
    this.d.roster.add(employee);
  }

  left(name: string): void {
    this.d.roster.remove(name);
  }

  async announce(): Promise<void> {
    await this.d.dispatch.ring();
  }

  async queued(employee: string, task: Task): Promise<Task> {
    await this.d.runner.startNext(employee);
    return (await this.d.repo.getTask(task.id)) ?? task;
  }

  stop(task: Task, reason: string): Promise<Task> {
    return this.d.runner.stop(task.employee, reason);
  }

  async firedWork(name: string, reason: string): Promise<() => Promise<Task | null>> {
    const { runner } = this.d;
    // Whatever runs once the others were told: the runner knows, no table needs reading.
    return async () => (runner.active(name) ? runner.stop(name, reason) : null);
  }

  async view(employee: Employee): Promise<EmployeeView> {
    const run = this.d.runner.active(employee.name);
    const queued = await this.d.repo.listTasks({ employee: employee.name, statuses: ['queued'] });
    return employeeView(employee, this.d.roster.status(employee.name), run, queued.length);
  }

  async list(): Promise<EmployeeView[]> {
    return Promise.all(this.d.roster.all().map((e) => this.view(e)));
  }
}
