// Jumping to a thread-only reply opens its thread with the reply in focus; anything the main list shows (or could
// load) is left to the main list's jump.
import { beforeEach, describe, expect, it } from 'vitest';
import { openThreadOf } from '../../../../src/client/components/Thread/openThreadOf';
import { useChatStore } from '../../../../src/client/stores/chatStore';
import { useThreadStore } from '../../../../src/client/stores/threads';
import type { Message } from '../../../../src/shared/message';

const msg = (id: number, extra: Partial<Message> = {}): Message => ({
  id,
  text: `message ${id}`,
  sender: 'bob',
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo: null,
  origin: 'websocket',
  createdAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
  clientId: null,
  ...extra,
});

/** The server's chat.get over a fixed set of stored messages, counting calls. */
function server(stored: Message[]) {
  const calls: number[][] = [];
  return {
    calls,
    get: async (ids: number[]) => {
      calls.push(ids);
      return stored.filter((m) => ids.includes(m.id));
    },
  };
}

beforeEach(() => useChatStore.getState().reset());

describe('openThreadOf', () => {
  it('opens the thread of a reply the server says lives only in a thread, with the reply in focus', async () => {
    const { get } = server([msg(40), msg(41, { threadRoot: 40 })]);
    expect(await openThreadOf(41, get)).toBe(true);
    expect(useThreadStore.getState()).toMatchObject({ open: 40, focus: 41 });
  });

  it('uses a reply already held for threads without asking the server', async () => {
    useChatStore.getState().addMessages([msg(5), msg(6, { threadRoot: 5 })]);
    const { get, calls } = server([]);
    expect(await openThreadOf(6, get)).toBe(true);
    expect(calls).toEqual([]);
    expect(useThreadStore.getState().open).toBe(5);
  });

  it('reads a quoted original already looked up instead of asking the server again', async () => {
    useChatStore.getState().addQuoted([msg(8, { threadRoot: 2 }), msg(9)]);
    const { get, calls } = server([]);
    expect(await openThreadOf(9, get)).toBe(false);
    expect(await openThreadOf(8, get)).toBe(true);
    expect(calls).toEqual([]);
    expect(useThreadStore.getState()).toMatchObject({ open: 2, focus: 8 });
  });

  it('leaves to the main list a loaded message, one sent also to the channel, a plain one and a missing one', async () => {
    useChatStore.getState().addMessages([msg(1)]);
    const { get } = server([msg(2, { threadRoot: 1, alsoInChannel: true }), msg(3)]);
    for (const id of [1, 2, 3, 99]) expect(await openThreadOf(id, get)).toBe(false);
    expect(useThreadStore.getState().open).toBeNull();
  });

  it('leaves the jump to the main list when the server cannot be asked', async () => {
    expect(await openThreadOf(7, () => Promise.reject(new Error('offline')))).toBe(false);
  });
});
