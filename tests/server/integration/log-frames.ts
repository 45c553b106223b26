// Test helper: the frames of chat.onMessage as a client sees them (tracked id and data), and their log entries
// (messages and changes) in the order they came, each described in one line for comparisons.

import type { MessageBatch } from '../../../src/shared/message';
import type { TestClient } from '../../helpers/server';

export interface Frame {
  id: string;
  data: MessageBatch;
  /** Every id the frame carries (messages and changes). */
  ids: number[];
}

export function watchFrames(client: TestClient, lastEventId?: string) {
  const frames: Frame[] = [];
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const subscription = client.trpc.chat.onMessage.subscribe(lastEventId ? { lastEventId } : undefined, {
    onStarted: () => markStarted(),
    onData: (event) => {
      const data = event.data as MessageBatch;
      const ids = [...data.messages.map((m) => m.id), ...(data.changes ?? []).map((c) => c.id)];
      frames.push({ id: String(event.id), data, ids });
    },
  });
  return { frames, started, stop: () => subscription.unsubscribe() };
}

export interface Entry {
  id: number;
  describe: string;
}

/** Log entries in arrival order; within a frame messages come first, then changes (each list in id order). */
export function logEntries(frames: Frame[]): Entry[] {
  return frames.flatMap((frame) => {
    const messages = frame.data.messages.map((m) => ({
      id: m.id,
      describe: `message ${m.id} ${m.text || "''"}`,
    }));
    const changes = (frame.data.changes ?? []).map((c) => ({
      id: c.id,
      describe: `${c.kind} ${c.messageId} ${c.message.text || "''"}${
        c.kind === 'edit' && c.message.mentions.length > 0 ? ` [${c.message.mentions.join(',')}]` : ''
      }`,
    }));
    // Both lists are in id order; merged, the frame reads in log order.
    return [...messages, ...changes].sort((a, b) => a.id - b.id);
  });
}
