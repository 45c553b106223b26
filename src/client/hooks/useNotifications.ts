// Watches the messages that arrive while the tab is hidden and shows a desktop notification for each one for me
// (when the person turned them on); `open` brings the clicked message into view.
import { useEffect } from 'react';
import { notificationFor, notificationSetting, showNotification } from '../lib/notifications';
import { useChatStore } from '../stores/chatStore';

export function useNotifications(open: (messageId: number) => void): void {
  useEffect(() => {
    // Only what arrives from now on: the first page and older pages are history, not news.
    let seenUpTo = Number.POSITIVE_INFINITY;
    const caughtUp = () => {
      const { order, historyLoaded } = useChatStore.getState();
      if (historyLoaded) seenUpTo = order[order.length - 1] ?? 0;
    };
    caughtUp();
    return useChatStore.subscribe((state, previous) => {
      if (state.order === previous.order) return;
      if (seenUpTo === Number.POSITIVE_INFINITY) return caughtUp();
      const me = state.me?.id;
      const fresh: number[] = [];
      for (let i = state.order.length - 1; i >= 0 && (state.order[i] as number) > seenUpTo; i--)
        fresh.unshift(state.order[i] as number);
      seenUpTo = Math.max(seenUpTo, state.order[state.order.length - 1] ?? 0);
      if (!me || document.visibilityState !== 'hidden' || notificationSetting() !== 'on') return;
      const find = (id: number) => state.messages[id];
      for (const id of fresh) {
        const message = state.messages[id];
        const content = message && notificationFor(message, me, find);
        if (content) showNotification(content, open);
      }
    });
  }, [open]);
}
