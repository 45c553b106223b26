// The detached window of a far jump, as state changes of chatStore: the list shows the page around an old message
// (chat.around) while the live list is set aside and keeps taking live messages; newer pages walk the window down
// until it meets the live list and the two become one again, or "Jump to latest" goes back to the live list at once.
import type { Message } from '../../shared/message';

/** The live list set aside while a window is shown. */
export interface Detached {
  /** Ids of the live list (what it held when the window opened, plus everything streamed since), ascending. */
  liveOrder: number[];
  /** The live list's older-pages cursor, for when it is shown again. */
  liveOlderCursor: number | null;
}

/** The part of chatStore a window changes. */
export interface ListSlice {
  messages: Record<number, Message>;
  /** The shown rows' ids, ascending (the window's while detached). */
  order: number[];
  olderCursor: number | null;
  prepended: number;
  /** Null on the live list. */
  detached: Detached | null;
  /** Bumped when the list shows other rows altogether (a window, or the live list again): the view starts afresh. */
  view: number;
  /** The message a window was opened on (its view starts with it centred), null on the live list. */
  anchor: number | null;
}

/** Merges sorted-unique `ids` into a sorted-unique array. */
export function mergeIds(order: number[], ids: number[]): number[] {
  if (ids.length === 0) return order;
  const last = order[order.length - 1];
  const sorted = [...ids].sort((a, b) => a - b);
  if (last === undefined || (sorted[0] as number) > last) return [...order, ...sorted];
  return [...new Set([...order, ...sorted])].sort((a, b) => a - b);
}

/** The live list's ids, whether shown or set aside: what unread counts and the pill count from. */
export function liveOrder(state: Pick<ListSlice, 'order' | 'detached'>): number[] {
  return state.detached?.liveOrder ?? state.order;
}

/** Only the messages of `keep` (the map holds the shown rows and the live list's, nothing else). */
function only(messages: Record<number, Message>, keep: number[]): Record<number, Message> {
  const kept: Record<number, Message> = {};
  for (const id of keep) {
    const m = messages[id];
    if (m) kept[id] = m;
  }
  return kept;
}

/**
 * A chat.around page (main-conversation messages, oldest first) for a jump to `anchor`. When it meets the live list
 * (overlaps it, or the server has nothing newer) it simply joins it, like older pages do; otherwise it is shown as a
 * window and the live list is set aside. A window shown while another is open replaces it.
 */
export function showWindow(
  state: ListSlice,
  page: Message[],
  { olderCursor, hasNewer, anchor }: { olderCursor: number | null; hasNewer: boolean; anchor: number },
): Partial<ListSlice> {
  const live = state.detached
    ? { order: state.detached.liveOrder, olderCursor: state.detached.liveOlderCursor }
    : { order: state.order, olderCursor: state.olderCursor };
  const messages = state.detached ? only(state.messages, live.order) : { ...state.messages };
  const fresh = page.filter((m) => !(m.id in messages));
  for (const m of fresh) messages[m.id] = m;
  const ids = fresh.map((m) => m.id);
  const liveOldest = live.order[0];
  const newest = page[page.length - 1]?.id ?? 0;
  if (!hasNewer || liveOldest === undefined || newest >= liveOldest) {
    const older = liveOldest === undefined ? ids.length : ids.filter((id) => id < liveOldest).length;
    const reachesOlder = liveOldest === undefined || (page[0]?.id ?? liveOldest) < liveOldest;
    return {
      messages,
      order: mergeIds(live.order, ids),
      olderCursor: reachesOlder ? olderCursor : live.olderCursor,
      // Coming back from another window, the view starts afresh; on the live list the rows are prepended.
      prepended: state.detached ? 0 : state.prepended + older,
      detached: null,
      view: state.detached ? state.view + 1 : state.view,
      anchor: state.detached ? anchor : null,
    };
  }
  return {
    messages,
    order: mergeIds([], ids),
    olderCursor,
    prepended: 0,
    detached: { liveOrder: live.order, liveOlderCursor: live.olderCursor },
    view: state.view + 1,
    anchor,
  };
}

/**
 * A page of chat.history({ after }) below the window (oldest first; `nextCursor` null when it reaches the newest
 * message). When it reaches the live list, the window and the live list are one list again, shown in place.
 */
export function addNewer(
  state: ListSlice,
  page: Message[],
  nextCursor: number | null,
): Partial<ListSlice> | null {
  const detached = state.detached;
  if (!detached) return null;
  const fresh = page.filter((m) => !(m.id in state.messages));
  const messages = { ...state.messages };
  for (const m of fresh) messages[m.id] = m;
  const order = mergeIds(
    state.order,
    fresh.map((m) => m.id),
  );
  const liveOldest = detached.liveOrder[0];
  const newest = page[page.length - 1]?.id ?? 0;
  // Nothing newer on the server means nothing lies between the window and the live list (it holds every message
  // since it was loaded, and the rest was older than its first page).
  if (nextCursor === null || liveOldest === undefined || newest >= liveOldest)
    return { messages, order: mergeIds(order, detached.liveOrder), detached: null, anchor: null };
  return { messages, order };
}

/** "Jump to latest": the live list again, at once; the window's rows are let go. */
export function returnToLive(state: ListSlice): Partial<ListSlice> | null {
  const detached = state.detached;
  if (!detached) return null;
  return {
    messages: only(state.messages, detached.liveOrder),
    order: detached.liveOrder,
    olderCursor: detached.liveOlderCursor,
    prepended: 0,
    detached: null,
    view: state.view + 1,
    anchor: null,
  };
}
