// tasks.stop: an admin, or whoever assigned the running task, stops it; the answer is the task once its end is
// recorded (stopped), wherever the agents run.
import type { User } from '../../auth';
import type { AgentsRepository, Task } from '../../db/agents-repository';
import { assertMayStop, noRunningTask } from '../agent-view';
import type { Seat } from './seat';

export async function stopTask(repo: AgentsRepository, seat: Seat, agent: string, by: User): Promise<Task> {
  await seat.agent(agent);
  const task = await seat.runningTask(agent);
  if (!task) {
    const queued = await repo.listTasks({ agent, statuses: ['queued'] });
    throw noRunningTask(agent, queued.length);
  }
  assertMayStop(task, by);
  return seat.stop(task, `stopped by ${by.id}`);
}
