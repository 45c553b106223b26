// Watches the messages that arrive while the tab is hidden — in the main list and in threads — and shows a desktop
// notification for each one for me (when the person turned them on); a click jumps to the message as a quote does
// (a reply that lives only in its thread opens that thread).
import { useEffect } from 'react';
import type { Message } from '../../shared/message';
import { notificationFor, notificationSetting, showNotification } from '../lib/notifications';
import { liveOrder, useChatStore } from '../stores/chatStore';
import { useThreadStore } from '../stores/threads';

export function useNotifications(jumpTo: (messageId: number) => void): void {
  useEffect(() => {
    const find = (id: number) =>
      useChatStore.getState().messages[id] ?? useThreadStore.getState().messages[id];
    // Only what arrives from now on: the first page, older pages and fetched threads are history, not news.
    let seenUpTo = Number.POSITIVE_INFINITY;
    const caughtUp = () => {
      const state = useChatStore.getState();
      const order = liveOrder(state);
      if (state.historyLoaded) seenUpTo = order[order.length - 1] ?? 0;
    };
    caughtUp();
    const consider = (fresh: Message[]) => {
      const me = useChatStore.getState().me?.id;
      if (!me || document.visibilityState !== 'hidden' || notificationSetting() !== 'on') return;
      for (const message of fresh) {
        const content = notificationFor(message, me, find);
        if (content) showNotification(content, jumpTo);
      }
    };
    const unsubscribeChat = useChatStore.subscribe((state, previous) => {
      // The live list: it keeps taking messages while a far jump's window is shown instead.
      const order = liveOrder(state);
      if (order === liveOrder(previous)) return;
      if (seenUpTo === Number.POSITIVE_INFINITY) return caughtUp();
      const fresh: Message[] = [];
      for (let i = order.length - 1; i >= 0 && (order[i] as number) > seenUpTo; i--) {
        const message = state.messages[order[i] as number];
        if (message) fresh.unshift(message);
      }
      seenUpTo = Math.max(seenUpTo, order[order.length - 1] ?? 0);
      consider(fresh);
    });
    const unsubscribeThreads = useThreadStore.subscribe((state, previous) => {
      if (state.messages === previous.messages || seenUpTo === Number.POSITIVE_INFINITY) return;
      // Thread-only replies newer than anything seen (a copy also in the channel is the main list's to announce).
      const fresh = Object.values(state.messages).filter(
        (m) =>
          !(m.id in previous.messages) && m.id > seenUpTo && m.threadRoot !== undefined && !m.alsoInChannel,
      );
      consider(fresh.sort((a, b) => a.id - b.id));
    });
    return () => {
      unsubscribeChat();
      unsubscribeThreads();
    };
  }, [jumpTo]);
}
