// The read position for the chat screen: loads users.readState once the first page is in (and again whenever the
// tab comes back: another device may have read meanwhile), marks read when the newest message is on screen in a
// visible tab (debounced), and keeps the tab title's unread count and mention mark.
import { useEffect, useMemo } from 'react';
import type { ChatConnection } from '../lib/chat-connection';
import { titleText } from '../lib/unread';
import { liveOrder, useChatStore } from '../stores/chatStore';
import { dividerBefore, unreadCounts, useUnreadStore } from '../stores/unread';

/** Quiet time before marking read: scrolling past and a burst of messages make one call, not dozens. */
export const MARK_READ_DEBOUNCE_MS = 500;

/** Whether the stored message `id` is shown inside the conversation's visible area (not just in the overscan). */
function onScreen(id: number): boolean {
  const list = document.querySelector('[data-testid="message-list"]');
  const row = list?.querySelector(`[data-testid="message-item"][data-message-id="${id}"]`);
  if (!list || !row) return false;
  const area = list.getBoundingClientRect();
  const box = row.getBoundingClientRect();
  return box.bottom > area.top && box.top < area.bottom;
}

export function useUnread(connection: ChatConnection): void {
  const historyLoaded = useChatStore((s) => s.historyLoaded);
  const me = useChatStore((s) => s.me?.id);

  useEffect(() => {
    if (!historyLoaded || !me) return;
    let stopped = false;
    const load = () =>
      connection.client.trpc.users.readState.query().then(
        (state) => !stopped && useUnreadStore.getState().setServer(state),
        () => undefined,
      );
    void load();
    const onVisible = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisible);
      useUnreadStore.getState().reset();
    };
  }, [connection, historyLoaded, me]);

  useEffect(() => {
    if (!me) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let marking = false;
    const check = () => {
      timer = null;
      const { server } = useUnreadStore.getState();
      // Not before the first answer: the divider comes from the position as it was when the page opened.
      if (!server || marking || document.visibilityState !== 'visible') return;
      // The live list's newest (a far jump's window read to its end has not reached it).
      const order = liveOrder(useChatStore.getState());
      const newest = order[order.length - 1];
      if (newest === undefined || newest <= server.upTo || !onScreen(newest)) return;
      marking = true;
      connection.client.trpc.users.markRead
        .mutate({ upTo: newest })
        .then((state) => useUnreadStore.getState().setServer(state))
        .catch(() => undefined)
        .finally(() => {
          marking = false;
          schedule();
        });
    };
    const schedule = () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(check, MARK_READ_DEBOUNCE_MS);
    };
    const unsubscribeChat = useChatStore.subscribe(
      (s, previous) => (s.order !== previous.order || s.detached !== previous.detached) && schedule(),
    );
    const unsubscribeUnread = useUnreadStore.subscribe(
      (s, previous) => s.server !== previous.server && schedule(),
    );
    // Capture: the list's scroller does not bubble its scroll events to the document.
    document.addEventListener('scroll', schedule, { capture: true, passive: true });
    document.addEventListener('visibilitychange', schedule);
    window.addEventListener('focus', schedule);
    schedule();
    return () => {
      if (timer !== null) clearTimeout(timer);
      unsubscribeChat();
      unsubscribeUnread();
      document.removeEventListener('scroll', schedule, { capture: true });
      document.removeEventListener('visibilitychange', schedule);
      window.removeEventListener('focus', schedule);
    };
  }, [connection, me]);

  const { unread, mentions } = useUnreadCounts();
  useEffect(() => {
    document.title = titleText(BASE_TITLE, unread, mentions);
  }, [unread, mentions]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
    },
    [],
  );
}

/** The page's own title, as index.html names it. */
const BASE_TITLE = typeof document === 'undefined' ? 'OpenCode-Slack' : document.title;

/** Unread messages and those for me, now: the server's counts plus what arrived since. */
export function useUnreadCounts(): { unread: number; mentions: number } {
  const server = useUnreadStore((s) => s.server);
  const me = useChatStore((s) => s.me?.id);
  const messages = useChatStore((s) => s.messages);
  // Counted in the live list, also while a far jump's window is shown instead.
  const order = useChatStore(liveOrder);
  return useMemo(() => unreadCounts({ messages, order }, server, me), [messages, order, server, me]);
}

/** The message the "New messages" divider goes before, or null. */
export function useUnreadDivider(): number | null {
  const divider = useUnreadStore((s) => s.divider);
  const me = useChatStore((s) => s.me?.id);
  const messages = useChatStore((s) => s.messages);
  const order = useChatStore((s) => s.order);
  return useMemo(() => dividerBefore({ messages, order }, divider, me), [messages, order, divider, me]);
}
