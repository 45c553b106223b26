// Which message's reaction picker is open (one at a time across the main list and the thread panel, kept while the
// virtualised list unmounts and remounts the message), and the last refused reaction.
import { create } from 'zustand';

interface ReactionPickerState {
  /** `${place}:${messageId}` of the open picker, or null. */
  openFor: string | null;
  /** The last reaction the server refused, shown under that message until the next try. */
  failed: { key: string; error: string } | null;
  toggle(key: string): void;
  close(): void;
  setFailed(failed: { key: string; error: string } | null): void;
}

export const useReactionPicker = create<ReactionPickerState>()((set) => ({
  openFor: null,
  failed: null,
  toggle: (key) => set((s) => ({ openFor: s.openFor === key ? null : key })),
  close: () => set({ openFor: null }),
  setFailed: (failed) => set({ failed }),
}));

/** Who reacted, as a person reads it: "You, bob and carol". */
export function reactedBy(users: readonly string[], me?: string): string {
  const names = users.map((u) => (u === me ? 'You' : u));
  const mine = names.indexOf('You');
  if (mine > 0) names.unshift(...names.splice(mine, 1));
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
