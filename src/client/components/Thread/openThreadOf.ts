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
  const { messages, quoted } = useChatStore.getState();
  if (id in messages) return false;
  // A quote's original is usually held already (looked up for the quote): no round trip then.
  const known =
    useThreadStore.getState().messages[id] ?? quoted[id] ?? (await fetch([id]).catch(() => []))[0];
  if (!known || !isThreadOnly(known)) return false;
  useThreadStore.getState().openThread(known.threadRoot as number, id);
  return true;
}
