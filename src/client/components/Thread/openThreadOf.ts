// Jumps to a message that lives only in a thread (a quote, a search hit, a notification): its thread opens with the
// reply in view, instead of the main list loading every page in search of a message its pages never hold.
import type { Message } from '../../../shared/message';
import { useChatStore } from '../../stores/chatStore';
import { isThreadOnly, useThreadStore } from '../../stores/threads';

/** Opens the thread holding `id` when it is a thread-only reply; false when the main list should jump instead. */
export async function openThreadOf(
  id: number,
  fetch: (ids: number[]) => Promise<Message[]>,
): Promise<boolean> {
  if (id in useChatStore.getState().messages) return false;
  const known = useThreadStore.getState().messages[id] ?? (await fetch([id]).catch(() => []))[0];
  if (!known || !isThreadOnly(known)) return false;
  useThreadStore.getState().openThread(known.threadRoot as number, id);
  return true;
}
