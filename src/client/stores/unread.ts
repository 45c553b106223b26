// Client state of the read position: the server's last answer (users.readState / markRead), the "New messages"
// divider fixed at load, and the counts the title and the pill show (the server's, plus live messages after it).
import { create } from 'zustand';
import type { Message } from '../../shared/message';
import type { ReadState } from '../../shared/unread';
import { countsAsUnread, isForMe } from '../lib/unread';

export interface UnreadState {
  /** The server's newest answer, null until the first one. */
  server: ReadState | null;
  /**
   * From the first answer after load: the divider goes before the first unread message after `after` and up to
   * `until` (what was unread when the page opened). It stays put while the person reads, as in Slack.
   */
  divider: { after: number; until: number } | null;
  /** An answer of readState or markRead; an older one arriving late never moves the position back. */
  setServer(state: ReadState): void;
  reset(): void;
}

export const useUnreadStore = create<UnreadState>()((set, get) => ({
  server: null,
  divider: null,
  setServer: (state) => {
    const { server, divider } = get();
    if (
      server &&
      (state.upTo < server.upTo || (state.upTo === server.upTo && state.through < server.through))
    )
      return;
    set({ server: state, divider: divider ?? { after: state.upTo, until: state.through } });
  },
  reset: () => set({ server: null, divider: null }),
}));

interface ChatView {
  messages: Record<number, Message>;
  /** Stored message ids, ascending. */
  order: number[];
}

/** Index of the first id in ascending `order` greater than `after`. */
function firstAfter(order: number[], after: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((order[mid] as number) > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The server's counts plus the messages that arrived after it counted (walked from the newest end only). */
export function unreadCounts(
  chat: ChatView,
  server: ReadState | null,
  me: string | undefined,
): { unread: number; mentions: number } {
  if (!server || !me) return { unread: 0, mentions: 0 };
  let { unread, mentions } = server;
  const find = (id: number) => chat.messages[id];
  for (let i = firstAfter(chat.order, Math.max(server.through, server.upTo)); i < chat.order.length; i++) {
    const message = find(chat.order[i] as number);
    if (!message || !countsAsUnread(message, me)) continue;
    unread += 1;
    if (isForMe(message, me, find)) mentions += 1;
  }
  return { unread, mentions };
}

/** The id of the message the "New messages" divider goes before, or null when nothing was unread at load. */
export function dividerBefore(
  chat: ChatView,
  divider: UnreadState['divider'],
  me: string | undefined,
): number | null {
  // Someone who never read anything has no place to mark: all of history is not "new since you left".
  if (!divider || divider.after === 0 || !me) return null;
  for (let i = firstAfter(chat.order, divider.after); i < chat.order.length; i++) {
    const id = chat.order[i] as number;
    if (id > divider.until) return null;
    const message = chat.messages[id];
    if (message && countsAsUnread(message, me)) return id;
  }
  return null;
}

/** What the "latest messages" pill counts: others' messages after `after` (what the reader last saw), and whether one is for me. */
export function unreadAfter(
  chat: ChatView,
  after: number,
  me: string | undefined,
): { count: number; forMe: boolean } {
  let count = 0;
  let forMe = false;
  const find = (id: number) => chat.messages[id];
  for (let i = firstAfter(chat.order, after); i < chat.order.length; i++) {
    const message = find(chat.order[i] as number);
    if (!message || (me !== undefined && !countsAsUnread(message, me))) continue;
    count += 1;
    forMe ||= me !== undefined && isForMe(message, me, find);
  }
  return { count, forMe };
}
