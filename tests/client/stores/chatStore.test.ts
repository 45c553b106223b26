// The chat store: messages by id without duplicates, own pending copies reconciled, history paging, typing.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  selectTimeline,
  TYPING_TTL_MS,
  typingNames,
  typingText,
  useChatStore,
} from '../../../src/client/stores/chatStore';
import type { Message } from '../../../src/shared/message';
import { parseText } from '../../../src/shared/parse';

const msg = (id: number, text = `message ${id}`, sender = 'bob', replyTo: number | null = null): Message => ({
  id,
  text,
  sender,
  senderKind: 'user',
  ...parseText(text),
  replyTo,
  origin: 'websocket',
  createdAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
  clientId: null,
});

const store = () => useChatStore.getState();
const ids = () => selectTimeline(store()).map((m) => m.id);

beforeEach(() => {
  store().reset();
  store().setMe({ id: 'alice', role: 'user' });
});

describe('chatStore', () => {
  it('keeps messages in id order and ignores ones it already has', () => {
    store().addMessages([msg(3), msg(1)]);
    store().addMessages([msg(2), msg(3)]);
    store().addMessages([msg(1)]);
    expect(ids()).toEqual([1, 2, 3]);
  });

  it('replaces the pending copy of an own message when the stored one streams in first', () => {
    store().addPending({ tempId: 't1', text: 'hi  ', replyTo: null, sender: 'alice', createdAt: '' });
    store().addMessages([msg(7, 'hi', 'alice')]);
    expect(store().pending).toEqual([]);
    // The send call returns afterwards with the same message: still one copy.
    store().confirmPending('t1', msg(7, 'hi', 'alice'));
    expect(ids()).toEqual([7]);
    expect(store().pending).toEqual([]);
  });

  it('replaces the pending copy when the send call returns first', () => {
    store().addPending({ tempId: 't1', text: 'yo', replyTo: null, sender: 'alice', createdAt: '' });
    store().confirmPending('t1', msg(8, 'yo', 'alice'));
    store().addMessages([msg(8, 'yo', 'alice')]);
    expect(ids()).toEqual([8]);
    expect(store().pending).toEqual([]);
  });

  it('matches a stored message to its pending copy by clientId when two pending ones read the same', () => {
    store().addPending({ tempId: 't1', text: 'ok', replyTo: null, sender: 'alice', createdAt: '' });
    store().addPending({ tempId: 't2', text: 'ok', replyTo: null, sender: 'alice', createdAt: '' });
    store().addMessages([{ ...msg(10, 'ok', 'alice'), clientId: 't2' }]);
    expect(store().pending.map((p) => p.tempId)).toEqual(['t1']);
  });

  it('does not take someone else’s identical message for an own pending one', () => {
    store().addPending({ tempId: 't1', text: 'same', replyTo: null, sender: 'alice', createdAt: '' });
    store().addMessages([msg(9, 'same', 'bob')]);
    expect(store().pending).toHaveLength(1);
  });

  it('drops a failed pending message', () => {
    store().addPending({ tempId: 't1', text: 'x', replyTo: null, sender: 'alice', createdAt: '' });
    store().dropPending('t1');
    expect(store().pending).toEqual([]);
  });

  it('counts older pages as prepended so the list keeps its place', () => {
    store().addHistory([msg(51), msg(52)], 51, true);
    expect(store().prepended).toBe(0);
    store().addMessages([msg(53)]);
    store().addHistory([msg(49), msg(50)], null);
    expect(ids()).toEqual([49, 50, 51, 52, 53]);
    expect(store().prepended).toBe(2);
    expect(store().olderCursor).toBeNull();
  });

  it('shows typing until it is cleared or lapses, never for oneself', () => {
    const now = 1_000_000;
    store().applyActivity({ type: 'typing', user: 'bob', isTyping: true, at: '' }, now);
    store().applyActivity({ type: 'typing', user: 'alice', isTyping: true, at: '' }, now);
    expect(typingNames(store().typing, now)).toEqual(['bob']);
    store().expireTyping(now + TYPING_TTL_MS + 1);
    expect(typingNames(store().typing, now)).toEqual([]);

    store().applyActivity({ type: 'typing', user: 'bob', isTyping: true, at: '' }, now);
    store().applyActivity({ type: 'typing', user: 'bob', isTyping: false, at: '' }, now);
    expect(store().typing).toEqual({});
  });

  it('clears a typing indicator when that person’s message arrives', () => {
    store().applyActivity({ type: 'typing', user: 'bob', isTyping: true, at: '' });
    store().addMessages([msg(1, 'done', 'bob')]);
    expect(store().typing).toEqual({});
  });

  it('words typing for one, two and many people', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['bob'])).toBe('bob is typing…');
    expect(typingText(['bob', 'carol'])).toBe('bob and carol are typing…');
    expect(typingText(['a', 'b', 'c'])).toBe('3 people are typing…');
  });

  it('tracks presence and agent status from activity events', () => {
    store().setUsers([{ name: 'bob', kind: 'user', online: true, connections: 1, since: '' }]);
    store().applyActivity({ type: 'presence', user: 'bob', kind: 'user', online: false, at: 't' });
    store().applyActivity({
      type: 'agent-status',
      agent: 'ada',
      status: 'working',
      task: 'add login',
      at: 't',
    });
    expect(store().users.bob?.online).toBe(false);
    expect(store().users.ada).toMatchObject({
      kind: 'agent',
      status: 'working',
      task: 'add login',
      online: true,
    });
    store().applyActivity({ type: 'agent-status', agent: 'ada', status: 'offline', task: null, at: 't' });
    expect(store().users.ada?.online).toBe(false);
  });
});
