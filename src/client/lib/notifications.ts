// Desktop notifications (the browser's Notification API), opt-in: for a message that mentions me or replies to
// mine while the tab is hidden, with the sender and the first line; clicking one brings the tab back on the message.
import type { Message } from '../../shared/message';
import { isForMe } from './unread';

/** Where the person's choice is remembered (this browser only: permission is per browser too). */
export const NOTIFICATIONS_KEY = 'opencode-slack.notifications';
/** The body's first line is cut here: a notification is a glance, the message is one click away. */
const BODY_CHARS = 140;

export type NotificationSetting = 'unsupported' | 'blocked' | 'off' | 'on';

/** The Notification API of this page, or null (old browsers, some in-app browsers, insecure origins). */
function api(): typeof Notification | null {
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification : null;
}

/** On only when the person asked for it here and the browser still allows it. */
export function notificationSetting(storage: Pick<Storage, 'getItem'> = localStorage): NotificationSetting {
  const notification = api();
  if (!notification) return 'unsupported';
  if (notification.permission === 'denied') return 'blocked';
  return notification.permission === 'granted' && storage.getItem(NOTIFICATIONS_KEY) === 'on' ? 'on' : 'off';
}

/** Asks the browser for permission (it shows its own prompt once) and remembers the choice when granted. */
export async function turnOnNotifications(
  storage: Pick<Storage, 'setItem'> = localStorage,
): Promise<NotificationSetting> {
  const notification = api();
  if (!notification) return 'unsupported';
  const permission = await notification.requestPermission();
  if (permission === 'granted') storage.setItem(NOTIFICATIONS_KEY, 'on');
  return permission === 'denied' ? 'blocked' : permission === 'granted' ? 'on' : 'off';
}

export function turnOffNotifications(storage: Pick<Storage, 'setItem'> = localStorage): NotificationSetting {
  storage.setItem(NOTIFICATIONS_KEY, 'off');
  return notificationSetting();
}

export interface NotificationContent {
  messageId: number;
  title: string;
  body: string;
  /** One notification per message, however many tabs of the person show it. */
  tag: string;
}

/** What to show for a new message, or null when it is not for me (or is mine, or deleted). */
export function notificationFor(
  message: Message,
  me: string,
  find: (id: number) => Message | undefined,
): NotificationContent | null {
  if (!isForMe(message, me, find)) return null;
  const mentioned = message.mentions.length > 0 && !isForMe({ ...message, mentions: [] }, me, find);
  const firstLine = message.text.split('\n', 1)[0]?.trim() ?? '';
  return {
    messageId: message.id,
    title: mentioned ? `${message.sender} mentioned you` : `${message.sender} replied to you`,
    body: firstLine.length > BODY_CHARS ? `${firstLine.slice(0, BODY_CHARS - 1)}…` : firstLine,
    tag: `opencode-slack-message-${message.id}`,
  };
}

/**
 * Shows it; a click focuses this tab and hands the message id to `open`, which brings it into view (the jump of a
 * quote: a reply that lives only in its thread opens that thread).
 */
export function showNotification(content: NotificationContent, open: (messageId: number) => void): void {
  const notification = api();
  if (notification?.permission !== 'granted') return;
  const shown = new notification(content.title, { body: content.body, tag: content.tag });
  shown.onclick = () => {
    window.focus();
    open(content.messageId);
    shown.close();
  };
}
