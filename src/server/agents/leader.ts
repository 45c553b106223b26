// Agent API calls on the instance that runs the agents (alone, always this one): they act on the roster and the
// runner here, then ring the other instances of a cluster so they reload. The Follower answers them elsewhere.
import type { Logger } from 'pino';
import type { User } from '../auth';
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { AgentsRepository, Employee, Task } from '../db/agents-repository';
import {
  assertMayStop,
  type EmployeeView,
  employeeView,
  noRunningTask,
  noSuchEmployee,
} from './employee-view';
import { withRoomInQueue } from './queue-cap';
import type { Responder } from './responder';
import type { Roster } from './roster';
import type { AssignInput } from './schemas';
import type { TaskRunner } from './task-runner';
import type { Voice } from './voice';

export interface LeaderDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  runner: TaskRunner;
  voice: Voice;
  responder: () => Responder;
  logger: Logger;
  /** Serialises roster changes with reloads of the roster (cluster), so a reload never undoes one half-way. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Re-exported: the cap lives beside the check that both tasks.assign and chat mentions use. */
export { MAX_QUEUED_TASKS } from './queue-cap';

export class Leader {
  constructor(private readonly d: LeaderDeps) {}

  private employee(name: string): Employee {
    const employee = this.d.roster.get(name);
    if (!employee) throw noSuchEmployee(name);
    return employee;
  }

  async view(employee: Employee): Promise<EmployeeView> {
    const run = this.d.runner.active(employee.name);
    const queued = await this.d.repo.listTasks({ employee: employee.name, statuses: ['queued'] });
    return employeeView(employee, this.d.roster.status(employee.name), run, queued.length);
  }

  async list(): Promise<EmployeeView[]> {
    return Promise.all(this.d.roster.all().map((e) => this.view(e)));
  }

  /** After the insert (the caller's, which also added the employee to the roster): the others reload. */
  async hired(): Promise<void> {
    await this.d.dispatch.ring();
  }

  async fire(
    name: string,
    by: string,
  ): Promise<{ name: string; cancelledTasks: number; stoppedTask: Task | null }> {
    const { repo, roster, runner } = this.d;
    this.employee(name);
    const cancelled = await this.d.exclusive(() =>
      runner.withLock(name, async () => {
        const tasks = await repo.moveTasks(['queued'], 'cancelled', `${name} was fired by ${by}`, {
          employee: name,
        });
        await repo.deleteEmployee(name);
        roster.remove(name);
        return tasks;
      }),
    );
    await this.d.dispatch.ring();
    const stoppedTask = runner.active(name) ? await runner.stop(name, `${name} was fired by ${by}`) : null;
    this.d.logger.info({ agent: name, by }, 'employee fired');
    return { name, cancelledTasks: cancelled.length, stoppedTask };
  }

  /** Queues the task and posts the agent's "on it" in chat, addressed to whoever assigned it. */
  async queue(employee: Employee, input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    const queued = await withRoomInQueue(this.d.repo, by, () =>
      this.d.runner.enqueue({
        employee,
        description: input.description,
        assignedBy: by.id,
        messageId: null,
        model: input.model,
        mode: input.mode,
      }),
    );
    const ack = this.d.responder().acknowledge({
      agent: employee,
      task: queued.task.description,
      ahead: queued.ahead,
      seed: queued.task.id,
    });
    // Without git, tasks take turns across employees: the acknowledgement says whose this one waits for.
    const turn = await this.d.runner.turnNote(employee.name);
    await this.d.voice.say(employee.name, `@${by.id} ${ack}${turn ? ` (${turn}.)` : ''}`, { apiReply: true });
    return queued;
  }

  /** Assigns a task without a chat message; the agent acknowledges in chat all the same. */
  async assign(input: AssignInput, by: User): Promise<{ task: Task; ahead: number }> {
    const employee = this.employee(input.employee);
    const result = await this.d.runner.withLock(employee.name, () => this.queue(employee, input, by));
    await this.d.runner.startNext(employee.name);
    return { task: (await this.d.repo.getTask(result.task.id)) ?? result.task, ahead: result.ahead };
  }

  /** Admins, or whoever assigned the running task, may stop it. */
  async stopTask(employee: string, by: User): Promise<Task> {
    this.employee(employee);
    const run = this.d.runner.active(employee);
    if (!run) {
      const queued = await this.d.repo.listTasks({ employee, statuses: ['queued'] });
      throw noRunningTask(employee, queued.length);
    }
    assertMayStop(run.task, by);
    return this.d.runner.stop(employee, `stopped by ${by.id}`);
  }
}
