// What counts as unread and as "for me" on the client (the same rules as users.readState on the server), the
// unread count's label and the tab title that carries it.
import { UNREAD_COUNT_LIMIT } from '../../shared/limits';
import type { Message } from '../../shared/message';
import { normalizeName } from '../../shared/parse';

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** Another person's message in the main conversation (or a thread reply also sent there), not deleted. */
export function countsAsUnread(message: Message, me: string): boolean {
  if (same(message.sender, me) || message.deletedAt) return false;
  return message.threadRoot === undefined || message.alsoInChannel === true;
}

/**
 * Mentions me, or answers me: a reply to a message of mine, or a reply in the thread of my message. `find` looks
 * a message up by id (undefined when the client does not hold it).
 */
export function isForMe(message: Message, me: string, find: (id: number) => Message | undefined): boolean {
  if (same(message.sender, me) || message.deletedAt) return false;
  if (message.mentions.includes(normalizeName(me))) return true;
  if (message.replyTo !== null && same(find(message.replyTo)?.sender, me)) return true;
  return message.threadRoot !== undefined && same(find(message.threadRoot)?.sender, me);
}

/** "7", or "999+" once the server stopped counting. */
export function unreadLabel(count: number): string {
  return count >= UNREAD_COUNT_LIMIT ? `${UNREAD_COUNT_LIMIT - 1}+` : String(count);
}

/** The mark in the tab title when something unread is for me. */
export const MENTION_MARK = '●';

/** "(3) ● OpenCode-Slack" with a mention among the unread, "(3) OpenCode-Slack" without, the plain title at 0. */
export function titleText(base: string, unread: number, mentions: number): string {
  if (unread <= 0) return mentions > 0 ? `${MENTION_MARK} ${base}` : base;
  return `(${unreadLabel(unread)})${mentions > 0 ? ` ${MENTION_MARK}` : ''} ${base}`;
}
