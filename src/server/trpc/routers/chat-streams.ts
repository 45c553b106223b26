// The two live streams of a chat connection: messages (replay, then live, resumable by id) and activity.
import { tracked } from '@trpc/server';
import type { ActivityEvent } from '../../../shared/activity';
import type { Message, MessageBatch, MessageChange } from '../../../shared/message';
import { SubscriberOverflowError } from '../../hub/fanout';
import type { Services } from '../../services';
import type { Connection } from '../context';

/** Replay pages are bounded so a long absence does not become one huge frame. */
export const REPLAY_PAGE = 250;

/**
 * A subscriber cut off for falling behind: its connection is being closed and the client resumes by lastEventId.
 * That is the back-pressure plan working, not a failure to report.
 */
function endedByOverflow(error: unknown): boolean {
  return error instanceof SubscriberOverflowError;
}

/** One frame of the message stream, tracked by its last id so a reconnect resumes after it. */
function toBatch(messages: Message[]) {
  const batch: MessageBatch = { messages };
  return tracked(String(messages[messages.length - 1]?.id), batch);
}

/** A frame with changes: tracked by the largest id of either list (both are in id order). */
function toBatchWithChanges(messages: Message[], changes: MessageChange[], lastId: number) {
  const batch: MessageBatch = { messages, changes };
  return tracked(String(lastId), batch);
}

/** Whether a live entry is a change rather than a new message (only changes have messageId). */
function isChange(entry: Message | MessageChange): entry is MessageChange {
  return (entry as MessageChange).messageId !== undefined;
}

/** Live entries (messages and changes, in id order) as one frame's two lists. */
function split(entries: (Message | MessageChange)[]): [Message[], MessageChange[]] {
  const messages: Message[] = [];
  const changes: MessageChange[] = [];
  for (const entry of entries) {
    if (isChange(entry)) changes.push(entry);
    else messages.push(entry);
  }
  return [messages, changes];
}

export async function* messageStream(
  services: Services,
  connection: Connection | null,
  lastEventId: string | null,
  signal: AbortSignal | undefined,
) {
  const { hub, repo } = services;
  // Listen before reading the replay, so nothing committed meanwhile falls between the two; ids dedupe.
  // Methods, not arrow properties: tsx names every arrow property (a 256-byte dictionary per function), and
  // these exist once per subscription.
  const live = hub.messages.open({
    signal,
    isBackedUp() {
      return (connection?.bufferedAmount() ?? 0) > hub.maxSocketBuffer;
    },
    onOverflow() {
      connection?.terminate('subscriber fell too far behind');
    },
  });
  try {
    let lastId = lastEventId ? Number(lastEventId) : null;
    if (lastId !== null) {
      // Missed messages and changes (edits, deletions, reactions, thread counts), in id order, each once.
      while (true) {
        const { messages, changes } = await repo.logAfter(lastId, REPLAY_PAGE);
        const count = messages.length + changes.length;
        if (count === 0) break;
        lastId = Math.max(messages.at(-1)?.id ?? 0, changes.at(-1)?.id ?? 0);
        yield changes.length === 0 ? toBatch(messages) : toBatchWithChanges(messages, changes, lastId);
        if (count < REPLAY_PAGE) break;
      }
    }
    while (true) {
      const queued = await live.next();
      if (queued === null) return;
      // Only entries the replay already sent are dropped; live ones are almost always all fresh (no copy then).
      const after = lastId;
      const fresh =
        after === null || (queued[0]?.id ?? 0) > after ? queued : queued.filter((m) => m.id > after);
      if (fresh.length === 0) continue;
      lastId = fresh[fresh.length - 1]?.id ?? lastId;
      // The flood path: a frame of new messages only is sent as before (one property read per entry to tell).
      if (!fresh.some(isChange)) {
        const messages = fresh as Message[];
        services.metrics.observeDelivery(messages, 'websocket');
        yield toBatch(messages);
        continue;
      }
      const [messages, changes] = split(fresh);
      if (messages.length > 0) services.metrics.observeDelivery(messages, 'websocket');
      yield toBatchWithChanges(messages, changes, lastId as number);
    }
  } catch (error) {
    if (!endedByOverflow(error)) throw error;
  } finally {
    live.close();
  }
}

export async function* activityStream(
  services: Services,
  connection: Connection | null,
  me: string,
  signal: AbortSignal | undefined,
) {
  const feed = services.hub.activity.open({
    signal,
    // People do not need to be told that they themselves are typing.
    accept(event: ActivityEvent) {
      return !(event.type === 'typing' && event.user === me);
    },
    // Cut by its socket buffer like the message stream: a reader that stopped must not buffer without bound.
    isBackedUp() {
      return (connection?.bufferedAmount() ?? 0) > services.hub.maxSocketBuffer;
    },
    onOverflow() {
      connection?.terminate('activity subscriber fell too far behind');
    },
  });
  try {
    while (true) {
      const events = await feed.next();
      if (events === null) return;
      for (const event of events) yield event;
    }
  } catch (error) {
    if (!endedByOverflow(error)) throw error;
  } finally {
    feed.close();
  }
}
