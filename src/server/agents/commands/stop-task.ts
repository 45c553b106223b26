// tasks.stop: an admin, or whoever assigned the running task, stops it; the answer is the task once its end is
// recorded (stopped), wherever the agents run.
import type { User } from '../../auth';
import type { AgentsRepository, Task } from '../../db/agents-repository';
import { assertMayStop, noRunningTask } from '../employee-view';
import type { Seat } from './seat';

export async function stopTask(
  repo: AgentsRepository,
  seat: Seat,
  employee: string,
  by: User,
): Promise<Task> {
  await seat.employee(employee);
  const task = await seat.runningTask(employee);
  if (!task) {
    const queued = await repo.listTasks({ employee, statuses: ['queued'] });
    throw noRunningTask(employee, queued.length);
  }
  assertMayStop(task, by);
  return seat.stop(task, `stopped by ${by.id}`);
}
