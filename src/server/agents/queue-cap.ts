// The cap on tasks one person may have waiting in the agents' queues, shared by tasks.assign and chat mentions.
import type { User } from '../auth';
import type { AgentsRepository } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import { KeyedLock } from '../serial';

/**
 * Tasks one person may have waiting in the agents' queues at once: a queue is work promised, and one ordinary user
 * queued 100. Admins run the team and get more room, not none (in open mode everyone is an admin).
 */
export const MAX_QUEUED_TASKS = { user: 10, admin: 50 } as const;

/**
 * Per person, process-wide: the count and the insert happen together, so parallel assigns and mentions (which run
 * under different agents' locks) cannot all pass the check. Always taken inside an agent's lock, never
 * around one, so the two locks cannot wait for each other.
 */
const perPerson = new KeyedLock();

/** Runs `enqueue` if `by` has room for one more waiting task; otherwise a TOO_MANY_REQUESTS saying why. */
export function withRoomInQueue<T>(repo: AgentsRepository, by: User, enqueue: () => Promise<T>): Promise<T> {
  return perPerson.run(by.id, async () => {
    const limit = MAX_QUEUED_TASKS[by.role];
    const waiting = (await repo.listTasks({ statuses: ['queued'] })).filter((t) => t.assignedBy === by.id);
    if (waiting.length >= limit)
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `${by.id} already has ${waiting.length} tasks waiting for an agent (the limit is ${limit}): assign more once some have started`,
      );
    return enqueue();
  });
}
