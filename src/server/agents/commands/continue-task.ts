// tasks.continue: a finished or interrupted task's opencode session prompted again, as a new task on the same
// branch, by an admin or whoever assigned it; within the same cap of waiting tasks as tasks.assign and mentions.
import type { User } from '../../auth';
import type { Task } from '../../db/agents-repository';
import { DomainError } from '../../domain-error';
import { withRoomInQueue } from '../queue-cap';
import type { Roster } from '../roster';
import type { CommandDeps } from './seat';

export async function continueTask(
  d: Pick<CommandDeps, 'repo' | 'runner'> & { roster: Roster; following: boolean },
  id: number,
  by: User,
  text = 'continue',
): Promise<{ task: Task; ahead: number }> {
  const previous = await d.repo.getTask(id);
  if (!previous) throw new DomainError('NOT_FOUND', `there is no task #${id}`);
  if (!previous.sessionId)
    throw new DomainError('PRECONDITION_FAILED', `task #${id} has no opencode session to continue`);
  if (['queued', 'running', 'stuck'].includes(previous.status))
    throw new DomainError('PRECONDITION_FAILED', `task #${id} is still ${previous.status}`);
  if (by.role !== 'admin' && by.id !== previous.assignedBy)
    throw new DomainError(
      'FORBIDDEN',
      `only an admin or ${previous.assignedBy} (who assigned it) may continue it`,
    );
  const agent = d.roster.get(previous.employee);
  if (!agent || d.following) throw new DomainError('NOT_FOUND', `${previous.employee} is not working here`);
  const queued = await d.runner.withLock(agent.name, () =>
    withRoomInQueue(d.repo, by, () =>
      d.runner.enqueue({
        employee: agent,
        description: text,
        assignedBy: by.id,
        messageId: previous.messageId,
        model: previous.model,
        sessionId: previous.sessionId,
        continues: previous.branch ? previous : null,
      }),
    ),
  );
  await d.runner.startNext(agent.name);
  return { task: (await d.repo.getTask(queued.task.id)) ?? queued.task, ahead: queued.ahead };
}
