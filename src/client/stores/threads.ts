// Client state of threads: which thread panel is open and the thread messages held for it (roots fetched by
// chat.thread, replies fetched or streamed). Thread replies not sent to the channel never enter the main list.
import { create } from 'zustand';
import type { Message, MessageChange } from '../../shared/message';

export interface ThreadsState {
  /** The root of the thread shown in the panel, or null when the panel is closed. */
  open: number | null;
  /** A reply the panel brings into view and highlights (a jump to it), or null. */
  focus: number | null;
  /** Thread messages by id: replies, and roots fetched with their thread (a root may also be in the main list). */
  messages: Record<number, Message>;
  /** root id -> its reply ids, ascending. */
  replies: Record<number, number[]>;
  /** Roots whose thread has been fetched (chat.thread, its newest replies at least) since the page loaded. */
  fetched: Record<number, true>;
  /** root id -> chat.thread's cursor for its older replies (null: the first reply is held). */
  olderCursor: Record<number, number | null>;

  openThread(root: number, focus?: number | null): void;
  clearFocus(): void;
  closeThread(): void;
  /**
   * A chat.thread answer: the root and a page of replies, oldest first, with the cursor for older ones (the first
   * answer the newest replies, later ones the pages before).
   */
  setThread(root: Message, replies: Message[], olderCursor?: number | null): void;
  /** Thread replies from the stream or a send (any message with a threadRoot; others are ignored). */
  addReplies(messages: Message[]): void;
  /** Changes of the stream: the copies held here are replaced by the changed message's new state. */
  applyChanges(changes: MessageChange[]): void;
  reset(): void;
}

const initial = {
  open: null,
  focus: null,
  messages: {},
  replies: {},
  fetched: {},
  olderCursor: {},
} satisfies Partial<ThreadsState>;

/** A thread reply that lives only in its thread: the main list shows it as a count under the root instead. */
export function isThreadOnly(message: Message): boolean {
  return message.threadRoot !== undefined && message.alsoInChannel !== true;
}

function mergeIds(ids: number[] | undefined, more: number[]): number[] {
  if (more.length === 0) return ids ?? [];
  return [...new Set([...(ids ?? []), ...more])].sort((a, b) => a - b);
}

export const useThreadStore = create<ThreadsState>()((set, get) => ({
  ...initial,

  openThread: (open, focus = null) => set({ open, focus }),

  clearFocus: () => set({ focus: null }),

  closeThread: () => set({ open: null, focus: null }),

  setThread: (root, replies, olderCursor = null) =>
    set((s) => {
      // A copy held here already follows the stream's changes, and one that raced the query may be newer than
      // the fetched copy: it is kept.
      const messages = { ...s.messages };
      for (const m of [root, ...replies]) messages[m.id] = s.messages[m.id] ?? m;
      return {
        messages,
        replies: {
          ...s.replies,
          [root.id]: mergeIds(
            s.replies[root.id],
            replies.map((r) => r.id),
          ),
        },
        fetched: { ...s.fetched, [root.id]: true },
        olderCursor: { ...s.olderCursor, [root.id]: olderCursor },
      };
    }),

  addReplies: (incoming) => {
    const state = get();
    const fresh = incoming.filter((m) => m.threadRoot !== undefined && !(m.id in state.messages));
    if (fresh.length === 0) return;
    const messages = { ...state.messages };
    const byRoot = new Map<number, number[]>();
    for (const m of fresh) {
      messages[m.id] = m;
      const root = m.threadRoot as number;
      byRoot.set(root, [...(byRoot.get(root) ?? []), m.id]);
    }
    const replies = { ...state.replies };
    for (const [root, ids] of byRoot) replies[root] = mergeIds(replies[root], ids);
    set({ messages, replies });
  },

  applyChanges: (changes) => {
    const state = get();
    const held = changes.filter((c) => c.messageId in state.messages);
    if (held.length === 0) return;
    const messages = { ...state.messages };
    for (const change of held) messages[change.messageId] = change.message;
    set({ messages });
  },

  reset: () => set({ ...initial }),
}));

/** Splits a batch for the main list: thread-only replies go to the thread store, the rest is returned. */
export function takeThreadReplies(messages: Message[]): Message[] {
  if (!messages.some((m) => m.threadRoot !== undefined)) return messages;
  useThreadStore.getState().addReplies(messages);
  return messages.filter((m) => !isThreadOnly(m));
}

/** A thread's replies in id order (replies to replies included: the server files them under the same root). */
export function selectReplies(state: Pick<ThreadsState, 'messages' | 'replies'>, root: number): Message[] {
  return (state.replies[root] ?? []).flatMap((id) => {
    const m = state.messages[id];
    return m ? [m] : [];
  });
}
