// A far jump's detached window in the chat store (issue 19): shown around the target with the live list set aside,
// live messages kept (counted, not shown), edits applied to the window's rows, newer pages joining the live list,
// and Jump to latest returning to it at once.
import { beforeEach, describe, expect, it } from 'vitest';
import { liveOrder, selectTimeline, useChatStore } from '../../../src/client/stores/chatStore';
import { useThreadStore } from '../../../src/client/stores/threads';
import type { Message } from '../../../src/shared/message';
import { parseText } from '../../../src/shared/parse';

const msg = (id: number, text = `message ${id}`, sender = 'bob'): Message => ({
  id,
  text,
  sender,
  senderKind: 'user',
  ...parseText(text),
  replyTo: null,
  origin: 'websocket',
  createdAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
  clientId: null,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const msgs = (from: number, to: number) => range(from, to).map((id) => msg(id));

const store = () => useChatStore.getState();
const shown = () => selectTimeline(store()).map((m) => m.id);

beforeEach(() => {
  store().reset();
  store().setMe({ id: 'alice', role: 'user' });
  // The live list: the newest page, 10_001..10_050, with older pages behind it.
  store().addHistory(msgs(10_001, 10_050), 10_001, true);
});

describe('a far jump window', () => {
  it('shows the page around the target instead of the live list, which it sets aside', () => {
    const view = store().view;
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);

    expect(shown()).toEqual(range(476, 525));
    expect(store()).toMatchObject({ anchor: 500, olderCursor: 476, prepended: 0, view: view + 1 });
    expect(store().detached?.liveOrder).toEqual(range(10_001, 10_050));
    expect(store().detached?.liveOlderCursor).toBe(10_001);
  });

  it('keeps live messages while detached: counted in the live list, not appended to the window', () => {
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    store().addMessages([msg(10_051, 'hi @alice', 'carol')]);

    expect(shown()).toEqual(range(476, 525));
    expect(liveOrder(store()).slice(-2)).toEqual([10_050, 10_051]);
    expect(store().messages[10_051]?.text).toBe('hi @alice');
  });

  it('applies edits and reactions arriving while detached to the window’s rows and the live list’s', () => {
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    const edited = { ...msg(500, 'fixed typo'), editedAt: new Date().toISOString() };
    const reacted = { ...msg(10_050), reactions: [{ emoji: '👍', users: ['carol'] }] };
    store().applyChanges([
      { id: 10_060, kind: 'edit', messageId: 500, by: 'bob', at: edited.editedAt, message: edited },
      { id: 10_061, kind: 'react', messageId: 10_050, by: 'carol', at: edited.editedAt, message: reacted },
    ]);

    expect(store().messages[500]?.text).toBe('fixed typo');
    store().returnToLive();
    expect(store().messages[10_050]?.reactions).toEqual([{ emoji: '👍', users: ['carol'] }]);
  });

  it('loads older pages above the window as it does above the live list', () => {
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    store().addHistory(msgs(426, 475), 426);
    expect(shown()).toEqual(range(426, 525));
    expect(store()).toMatchObject({ prepended: 50, olderCursor: 426 });
  });

  it('walks newer pages down and joins the live list once a page reaches it, in place', () => {
    store().showWindow(msgs(9_900, 9_949), { olderCursor: 9_900, hasNewer: true }, 9_925);
    store().addMessages([msg(10_051)]);
    const view = store().view;

    store().addNewer(msgs(9_950, 9_999), 9_999);
    expect(store().detached).not.toBeNull();
    expect(shown()).toEqual(range(9_900, 9_999));

    store().addNewer(msgs(10_000, 10_049), 10_049);
    expect(store().detached).toBeNull();
    expect(store().anchor).toBeNull();
    // One list from the window's first message to the live message that came meanwhile; the view stays.
    expect(shown()).toEqual(range(9_900, 10_051));
    expect(store()).toMatchObject({ olderCursor: 9_900, view });
  });

  it('joins when the server has nothing newer, even short of the live list', () => {
    store().showWindow(msgs(9_900, 9_949), { olderCursor: 9_900, hasNewer: true }, 9_925);
    store().addNewer([], null);
    expect(store().detached).toBeNull();
    expect(shown()).toEqual([...range(9_900, 9_949), ...range(10_001, 10_050)]);
  });

  it('goes back to the live list at once on Jump to latest, with what came meanwhile and nothing of the window', () => {
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    store().addMessages([msg(10_051, 'while away', 'carol')]);
    const view = store().view;
    store().returnToLive();

    expect(shown()).toEqual(range(10_001, 10_051));
    expect(store()).toMatchObject({ detached: null, anchor: null, olderCursor: 10_001, view: view + 1 });
    expect(500 in store().messages).toBe(false);
    // A later jump to the same place loads it again (nothing stale keeps it out).
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    expect(shown()).toEqual(range(476, 525));
  });

  it('replaces an open window with the next far one, the live list still set aside', () => {
    store().showWindow(msgs(476, 525), { olderCursor: 476, hasNewer: true }, 500);
    store().showWindow(msgs(2_976, 3_025), { olderCursor: 2_976, hasNewer: true }, 3_000);
    expect(shown()).toEqual(range(2_976, 3_025));
    expect(500 in store().messages).toBe(false);
    expect(store().detached?.liveOrder).toEqual(range(10_001, 10_050));
  });

  it('joins a page that meets the live list instead of detaching', () => {
    const view = store().view;
    store().showWindow(msgs(9_976, 10_025), { olderCursor: 9_976, hasNewer: true }, 10_000);
    expect(store().detached).toBeNull();
    expect(shown()).toEqual(range(9_976, 10_050));
    expect(store()).toMatchObject({ olderCursor: 9_976, prepended: 25, view });
  });

  it('keeps thread-only replies of a page out of the window, for the thread panel', () => {
    const quiet = { ...msg(501), threadRoot: 500 };
    store().showWindow([msg(499), msg(500), quiet, msg(502)], { olderCursor: 499, hasNewer: true }, 500);
    expect(shown()).toEqual([499, 500, 502]);
    expect(useThreadStore.getState().replies[500]).toEqual([501]);
  });
});
