// Reading a thread for chat.thread: its root and a page of replies (replies to replies are filed under the same
// root), oldest first, whichever message of the thread is asked for; older pages by the answer's cursor.
import type { Message } from '../../shared/message';
import type { Repository } from '../db/repository';
import { DomainError } from '../domain-error';

export interface Thread {
  root: Message;
  /** The newest `limit` replies before the cursor, oldest first. */
  replies: Message[];
  /** `before` for the page of older replies; null when these reach the first reply. */
  olderCursor: number | null;
}

export async function readThread(
  repo: Pick<Repository, 'getMessages' | 'threadReplies'>,
  id: number,
  page: { before?: number | null; limit: number },
): Promise<Thread> {
  const [asked] = await repo.getMessages([id]);
  if (!asked) throw new DomainError('NOT_FOUND', `message ${id} does not exist`);
  const rootId = asked.threadRoot ?? asked.id;
  const [root] = rootId === asked.id ? [asked] : await repo.getMessages([rootId]);
  if (!root) throw new DomainError('NOT_FOUND', `the thread of message ${id} does not exist`);
  // One more than asked: whether older replies exist, without counting them.
  const found = await repo.threadReplies(rootId, page.before ?? null, page.limit + 1);
  const hasOlder = found.length > page.limit;
  const replies = hasOlder ? found.slice(1) : found;
  return { root, replies, olderCursor: hasOlder ? (replies[0]?.id ?? null) : null };
}
