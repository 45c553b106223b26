// The thread store: thread-only replies stay out of the main list, are filed under their root (live or fetched,
// once), follow changes, and the panel opens and closes.
import { beforeEach, describe, expect, it } from 'vitest';
import { selectTimeline, useChatStore } from '../../../src/client/stores/chatStore';
import { selectReplies, useThreadStore } from '../../../src/client/stores/threads';
import type { Message, MessageChange } from '../../../src/shared/message';
import { parseText } from '../../../src/shared/parse';

const msg = (id: number, extra: Partial<Message> = {}): Message => ({
  id,
  text: `message ${id}`,
  sender: 'bob',
  senderKind: 'user',
  ...parseText(`message ${id}`),
  replyTo: null,
  origin: 'websocket',
  createdAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
  clientId: null,
  ...extra,
});

const chat = () => useChatStore.getState();
const threads = () => useThreadStore.getState();
const mainIds = () => selectTimeline(chat()).map((m) => m.id);
const replyIds = (root: number) => selectReplies(threads(), root).map((m) => m.id);

beforeEach(() => {
  chat().reset();
  chat().setMe({ id: 'alice', role: 'user' });
});

describe('threads store', () => {
  it('keeps thread-only replies out of the main list and files them under their root', () => {
    chat().addMessages([msg(1), msg(2, { threadRoot: 1 }), msg(3), msg(4, { threadRoot: 1 })]);
    expect(mainIds()).toEqual([1, 3]);
    expect(replyIds(1)).toEqual([2, 4]);
  });

  it('shows a reply also sent to the channel in both places', () => {
    chat().addMessages([msg(1), msg(2, { threadRoot: 1, alsoInChannel: true })]);
    expect(mainIds()).toEqual([1, 2]);
    expect(replyIds(1)).toEqual([2]);
  });

  it('keeps thread replies of a history page out of the main list and out of the prepended count', () => {
    chat().addHistory([msg(10)], 9, true);
    chat().addHistory([msg(7), msg(8, { threadRoot: 7 }), msg(9, { threadRoot: 7 })], null);
    expect(mainIds()).toEqual([7, 10]);
    expect(chat().prepended).toBe(1);
    expect(replyIds(7)).toEqual([8, 9]);
  });

  it('merges a fetched thread with live replies, once each, in id order', () => {
    chat().addMessages([msg(1), msg(5, { threadRoot: 1 })]);
    threads().setThread(msg(1), [msg(2, { threadRoot: 1 }), msg(5, { threadRoot: 1 })]);
    chat().addMessages([msg(6, { threadRoot: 1 }), msg(2, { threadRoot: 1 })]);
    expect(replyIds(1)).toEqual([2, 5, 6]);
    expect(threads().fetched[1]).toBe(true);
  });

  it('puts a page of older replies before the newest page, with the cursor of the page before it', () => {
    threads().setThread(msg(1), [msg(60, { threadRoot: 1 }), msg(61, { threadRoot: 1 })], 60);
    expect(threads().olderCursor[1]).toBe(60);
    chat().addMessages([msg(62, { threadRoot: 1 })]);
    threads().setThread(msg(1), [msg(2, { threadRoot: 1 }), msg(3, { threadRoot: 1 })], null);
    expect(replyIds(1)).toEqual([2, 3, 60, 61, 62]);
    expect(threads().olderCursor[1]).toBeNull();
  });

  it('replaces a held reply with the state a change carries', () => {
    chat().addMessages([msg(1), msg(2, { threadRoot: 1 })]);
    const reacted = msg(2, { threadRoot: 1, reactions: [{ emoji: '👍', users: ['alice'] }] });
    const change: MessageChange = {
      id: 3,
      kind: 'react',
      messageId: 2,
      by: 'alice',
      at: 'now',
      message: reacted,
    };
    threads().applyChanges([change]);
    expect(selectReplies(threads(), 1)[0]?.reactions).toEqual([{ emoji: '👍', users: ['alice'] }]);
  });

  it('applies the stream changes to thread replies too, without putting them in the main list', () => {
    chat().addMessages([msg(1), msg(2, { threadRoot: 1 })]);
    const deleted = msg(2, { threadRoot: 1, text: '', deletedAt: 'now' });
    chat().applyChanges([{ id: 3, kind: 'delete', messageId: 2, by: 'bob', at: 'now', message: deleted }]);
    expect(selectReplies(threads(), 1)[0]?.deletedAt).toBe('now');
    expect(mainIds()).toEqual([1]);
  });

  it('keeps a copy that followed the stream rather than an older fetched one', () => {
    const edited = msg(2, { threadRoot: 1, text: 'edited', editedAt: 'now' });
    chat().addMessages([msg(1), edited]);
    threads().setThread(msg(1), [msg(2, { threadRoot: 1 })]);
    expect(selectReplies(threads(), 1)[0]?.text).toBe('edited');
  });

  it('opens and closes the panel, and forgets everything on sign-out', () => {
    threads().openThread(4);
    expect(threads().open).toBe(4);
    threads().closeThread();
    expect(threads().open).toBeNull();
    chat().addMessages([msg(1), msg(2, { threadRoot: 1 })]);
    threads().openThread(1);
    chat().reset();
    expect(threads().open).toBeNull();
    expect(replyIds(1)).toEqual([]);
  });
});
