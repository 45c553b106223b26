// The live stream of task timelines (tasks.onUpdate): replay after lastEventId, then live, resumable by id.
import { tracked } from '@trpc/server';
import type { TaskUpdate, TaskUpdateBatch } from '../../../shared/task-timeline';
import { SubscriberOverflowError } from '../../hub/fanout';
import type { Services } from '../../services';
import type { Connection } from '../context';

/** Replay pages are bounded so a long absence does not become one huge frame. */
export const TIMELINE_REPLAY_PAGE = 250;

function toBatch(updates: TaskUpdate[], lastId: number) {
  return tracked(String(lastId), { updates } satisfies TaskUpdateBatch);
}

/**
 * Without lastEventId the first frame carries no updates, only the current position (its tracked id): a client
 * that then reads a task's stored timeline (tasks.timeline) and merges by id misses nothing and resumes from there.
 */
export async function* taskUpdateStream(
  services: Services,
  connection: Connection | null,
  input: { taskId?: number; lastEventId?: string | null },
  signal: AbortSignal | undefined,
) {
  const { timeline } = services.agents;
  const taskId = input.taskId;
  // Listen before reading the replay, so nothing committed meanwhile falls between the two; ids dedupe.
  const live = timeline.updates.open({
    signal,
    accept(update: TaskUpdate) {
      return taskId === undefined || update.taskId === taskId;
    },
    isBackedUp() {
      return (connection?.bufferedAmount() ?? 0) > services.hub.maxSocketBuffer;
    },
    onOverflow() {
      connection?.terminate('task update subscriber fell too far behind');
    },
  });
  try {
    let lastId: number;
    if (input.lastEventId) {
      lastId = Number(input.lastEventId);
      while (true) {
        const page = await timeline.list(taskId, lastId, TIMELINE_REPLAY_PAGE);
        if (page.length === 0) break;
        lastId = page[page.length - 1]?.id ?? lastId;
        yield toBatch(page, lastId);
        if (page.length < TIMELINE_REPLAY_PAGE) break;
      }
    } else {
      lastId = await timeline.lastId();
      yield toBatch([], lastId);
    }
    while (true) {
      const queued = await live.next();
      if (queued === null) return;
      const after = lastId;
      const fresh = (queued[0]?.id ?? 0) > after ? queued : queued.filter((u) => u.id > after);
      if (fresh.length === 0) continue;
      lastId = fresh[fresh.length - 1]?.id ?? lastId;
      yield toBatch(fresh, lastId);
    }
  } catch (error) {
    // Cut off for falling behind: the connection is closing and the client resumes by lastEventId.
    if (!(error instanceof SubscriberOverflowError)) throw error;
  } finally {
    live.close();
  }
}
