// The unread state on the client: the tab title's count and mention mark, the counts the server gave plus what
// arrived after it counted, the divider fixed at load, the pill's count, and notifications for me only.
import { beforeEach, describe, expect, it } from 'vitest';
import { notificationFor } from '../../../src/client/lib/notifications';
import { countsAsUnread, isForMe, titleText, unreadLabel } from '../../../src/client/lib/unread';
import { dividerBefore, unreadAfter, unreadCounts, useUnreadStore } from '../../../src/client/stores/unread';
import type { Message } from '../../../src/shared/message';
import { parseText } from '../../../src/shared/parse';

const msg = (id: number, sender: string, text = `message ${id}`, more: Partial<Message> = {}): Message => ({
  id,
  text,
  sender,
  senderKind: 'user',
  ...parseText(text),
  replyTo: null,
  origin: 'websocket',
  createdAt: '2026-12-02T08:00:00.000Z',
  clientId: null,
  ...more,
});

const chatOf = (...list: Message[]) => ({
  messages: Object.fromEntries(list.map((m) => [m.id, m])),
  order: list.map((m) => m.id),
});

beforeEach(() => useUnreadStore.getState().reset());

describe('the tab title', () => {
  it('is the plain title with nothing unread', () => {
    expect(titleText('Team chat', 0, 0)).toBe('Team chat');
  });

  it('carries the unread count, and a mark when one of them is for me', () => {
    expect(titleText('Team chat', 3, 0)).toBe('(3) Team chat');
    expect(titleText('Team chat', 3, 1)).toBe('(3) ● Team chat');
  });

  it('says 999+ once the server stopped counting', () => {
    expect(titleText('Team chat', 1000, 2)).toBe('(999+) ● Team chat');
    expect(unreadLabel(999)).toBe('999');
  });
});

describe('what counts', () => {
  it('leaves out my own messages (any spelling), deleted ones and thread-only replies', () => {
    expect(countsAsUnread(msg(1, 'bob'), 'alice')).toBe(true);
    expect(countsAsUnread(msg(2, 'Alice'), 'alice')).toBe(false);
    expect(countsAsUnread(msg(3, 'bob', '', { deletedAt: '2026-12-02T08:01:00.000Z' }), 'alice')).toBe(false);
    expect(countsAsUnread(msg(4, 'bob', 'in a thread', { threadRoot: 1 }), 'alice')).toBe(false);
    expect(countsAsUnread(msg(5, 'bob', 'also here', { threadRoot: 1, alsoInChannel: true }), 'alice')).toBe(
      true,
    );
  });

  it('finds mentions of me, replies to mine and replies in my thread', () => {
    const mine = msg(1, 'alice', 'a question');
    const find = (id: number) => (id === 1 ? mine : undefined);
    expect(isForMe(msg(2, 'bob', 'hey @Alice'), 'alice', find)).toBe(true);
    expect(isForMe(msg(3, 'bob', 'answer', { replyTo: 1 }), 'alice', find)).toBe(true);
    expect(isForMe(msg(4, 'bob', 'in your thread', { threadRoot: 1 }), 'alice', find)).toBe(true);
    expect(isForMe(msg(5, 'bob', 'hey @alicia'), 'alice', find)).toBe(false);
    expect(isForMe(msg(6, 'alice', 'note to @alice'), 'alice', find)).toBe(false);
  });
});

describe('the counts', () => {
  it("adds live messages after the server's count to it", () => {
    useUnreadStore.getState().setServer({ upTo: 2, unread: 1, mentions: 0, through: 3 });
    const chat = chatOf(
      msg(1, 'bob'),
      msg(2, 'bob'),
      msg(3, 'bob'),
      msg(4, 'bob', '@alice look'),
      msg(5, 'alice'),
    );

    expect(unreadCounts(chat, useUnreadStore.getState().server, 'alice')).toEqual({ unread: 2, mentions: 1 });
  });

  it('never lets a late, older answer move the position back', () => {
    const store = useUnreadStore.getState();
    store.setServer({ upTo: 5, unread: 0, mentions: 0, through: 5 });
    store.setServer({ upTo: 3, unread: 2, mentions: 0, through: 5 });
    expect(useUnreadStore.getState().server?.upTo).toBe(5);
  });
});

describe('the "New messages" divider', () => {
  it('goes before the first message of others that was unread at load, and stays there after reading', () => {
    const chat = chatOf(msg(1, 'bob'), msg(2, 'bob'), msg(3, 'alice'), msg(4, 'bob'), msg(5, 'bob'));
    useUnreadStore.getState().setServer({ upTo: 2, unread: 2, mentions: 0, through: 5 });
    expect(dividerBefore(chat, useUnreadStore.getState().divider, 'alice')).toBe(4);

    useUnreadStore.getState().setServer({ upTo: 5, unread: 0, mentions: 0, through: 5 });
    expect(dividerBefore(chat, useUnreadStore.getState().divider, 'alice')).toBe(4);
  });

  it('is not shown to someone who never read anything (all of history is not news)', () => {
    useUnreadStore.getState().setServer({ upTo: 0, unread: 2, mentions: 0, through: 2 });
    const chat = chatOf(msg(1, 'bob'), msg(2, 'bob'));
    expect(dividerBefore(chat, useUnreadStore.getState().divider, 'alice')).toBeNull();
  });

  it('is not shown when everything was read at load, even as new messages come', () => {
    useUnreadStore.getState().setServer({ upTo: 5, unread: 0, mentions: 0, through: 5 });
    const chat = chatOf(msg(5, 'bob'), msg(6, 'bob'));
    expect(dividerBefore(chat, useUnreadStore.getState().divider, 'alice')).toBeNull();
  });
});

describe('the latest-messages pill', () => {
  it('counts the messages of others after what the reader saw, marked when one is for them', () => {
    const chat = chatOf(msg(1, 'bob'), msg(2, 'alice'), msg(3, 'bob'), msg(4, 'carol', 'ping @alice'));
    expect(unreadAfter(chat, 1, 'alice')).toEqual({ count: 2, forMe: true });
    expect(unreadAfter(chat, 3, 'bob')).toEqual({ count: 1, forMe: false });
  });
});

describe('notifications', () => {
  it('show the sender and the first line of a mention of me, and nothing for other messages', () => {
    const mention = msg(7, 'bob', 'hey @alice, can you look?\nsecond line');
    expect(notificationFor(mention, 'alice', () => undefined)).toEqual({
      messageId: 7,
      title: 'bob mentioned you',
      body: 'hey @alice, can you look?',
      tag: 'opencode-slack-message-7',
    });
    expect(notificationFor(msg(8, 'bob', 'plain'), 'alice', () => undefined)).toBeNull();
    expect(notificationFor(msg(9, 'alice', '@alice'), 'alice', () => undefined)).toBeNull();
  });

  it('say "replied to you" for a reply to my message', () => {
    const mine = msg(1, 'alice', 'question');
    const reply = msg(2, 'bob', 'answer', { replyTo: 1 });
    expect(notificationFor(reply, 'alice', () => mine)?.title).toBe('bob replied to you');
  });
});
