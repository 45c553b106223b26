// employees.fire, and a firing seen by the instance running the agents when it reloads the roster: the agent's
// queue is cancelled, the agent removed, and the task it was running stopped.
import type { AgentsRepository, Task } from '../../db/agents-repository';
import type { TaskRunner } from '../task-runner';
import type { CommandDeps, Seat } from './seat';

export interface FireResult {
  name: string;
  cancelledTasks: number;
  stoppedTask: Task | null;
}

export async function fire(
  d: Pick<CommandDeps, 'repo' | 'runner' | 'logger' | 'exclusive'>,
  seat: Seat,
  name: string,
  by: string,
): Promise<FireResult> {
  await seat.agent(name);
  const reason = `${name} was fired by ${by}`;
  // After any launch in progress for them (the runner's lock), so a worker that was starting is stopped too.
  const cancelled = await d.exclusive(() =>
    d.runner.withLock(name, async () => {
      const tasks = await cancelQueue(d.repo, name, reason);
      await d.repo.deleteAgent(name);
      seat.left(name);
      return tasks;
    }),
  );
  const stopWork = await seat.firedWork(name, reason);
  await seat.announce();
  const stoppedTask = await stopWork();
  d.logger.info({ agent: name, by }, 'employee fired');
  return { name, cancelledTasks: cancelled.length, stoppedTask };
}

/**
 * Where the agents run, for someone fired on another instance (the roster reload found them gone): their queue is
 * cancelled and their worker stopped, after any launch in progress for them.
 */
export async function retireFired(repo: AgentsRepository, runner: TaskRunner, name: string): Promise<void> {
  const reason = `${name} was fired`;
  await runner.withLock(name, async () => {
    await cancelQueue(repo, name, reason);
    if (runner.active(name)) void runner.stop(name, reason).catch(() => {});
  });
}

function cancelQueue(repo: AgentsRepository, name: string, reason: string): Promise<Task[]> {
  return repo.moveTasks(['queued'], 'cancelled', reason, { employee: name });
}
