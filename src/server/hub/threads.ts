// Reading a thread for chat.thread: its root and every reply (replies to replies are filed under the same root),
// oldest first, whichever message of the thread is asked for.
import type { Message } from '../../shared/message';
import type { Repository } from '../db/repository';
import { ChatError } from './errors';

export interface Thread {
  root: Message;
  /** Every reply, oldest first. */
  replies: Message[];
}

export async function readThread(
  repo: Pick<Repository, 'getMessages' | 'thread'>,
  id: number,
): Promise<Thread> {
  const [asked] = await repo.getMessages([id]);
  if (!asked) throw new ChatError('NOT_FOUND', `message ${id} does not exist`);
  const [root, ...replies] = await repo.thread(asked.threadRoot ?? asked.id);
  if (!root) throw new ChatError('NOT_FOUND', `the thread of message ${id} does not exist`);
  return { root, replies };
}
