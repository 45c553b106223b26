// Client state in one zustand store: messages by id (plus own messages still sending), people and agents,
// who is typing, the connection state, the signed-in user, the reply target and the highlighted message.
import { create } from 'zustand';
import type { ActivityEvent, PresenceEntry } from '../../shared/activity';
import type { Message, MessageChange } from '../../shared/message';
import type { Me } from '../lib/identity';
import { takeThreadReplies, useThreadStore } from './threads';
import { addNewer, type Detached, mergeIds, returnToLive, showWindow } from './window';

export { liveOrder } from './window';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** How long "x is typing" stays up without a fresh typing event: senders refresh it well within this. */
export const TYPING_TTL_MS = 3_000;

/**
 * An own message in the outgoing queue: `queued` (next in line), `sending` (on the wire), `waiting` (held back by the
 * send limit or a dropped connection; goes again by itself), `failed` (refused: stays, with Retry and Discard).
 */
export type PendingStatus = 'queued' | 'sending' | 'waiting' | 'failed';

export interface PendingMessage {
  /** Also the send's clientId: every retry of this message carries it, so the server commits it once. */
  tempId: string;
  text: string;
  replyTo: number | null;
  sender: string;
  createdAt: string;
  status: PendingStatus;
  /** Why it failed, for `failed`. */
  error?: string | null;
}

export interface ChatState {
  me: Me | null;
  messages: Record<number, Message>;
  /** Stored message ids of the rows shown, ascending (a far jump's window while `detached`). */
  order: number[];
  /** Own messages sent but not yet confirmed, shown at once below the stored ones. */
  pending: PendingMessage[];
  /** Older messages loaded by scrolling up; the list shifts its first index by this many. */
  prepended: number;
  /** Whether chat.history has older pages; null until the first page has loaded. */
  olderCursor: number | null;
  historyLoaded: boolean;
  /**
   * While a far jump's window is shown (stores/window.ts): the live list set aside, which keeps taking live
   * messages. Null on the live list. `messages` holds the shown rows and the live list's, nothing else.
   */
  detached: Detached | null;
  /** Bumped when the list shows other rows altogether (a window, the live list again): the view starts afresh. */
  view: number;
  /** The message a window was opened on, kept in view; null on the live list. */
  anchor: number | null;
  users: Record<string, PresenceEntry>;
  /** user -> time (ms) their typing indicator expires. */
  typing: Record<string, number>;
  connection: { state: ConnectionState; retryAt: number | null; error: string | null };
  replyTo: number | null;
  highlighted: number | null;
  /** Originals of quoted messages whose page is not loaded (from chat.get), for the quote's sender and line. */
  quoted: Record<number, Message>;

  setMe(me: Me | null): void;
  /** Live or replayed messages: inserted by id, duplicates ignored, matching pending copies reconciled. */
  addMessages(messages: Message[]): void;
  /**
   * Changes from the stream (edits, deletions, reactions, thread counts): each held copy is replaced by the
   * message's new state, by id; a change to a message not loaded here is left to its page.
   */
  applyChanges(changes: MessageChange[]): void;
  /** A history page (oldest first). `initial` is the newest page, loaded once on start. */
  addHistory(messages: Message[], nextCursor: number | null, initial?: boolean): void;
  /** A chat.around page for a far jump to `anchor`: shown as a window, or joined to the live list when it meets it. */
  showWindow(
    page: Message[],
    cursors: { olderCursor: number | null; hasNewer: boolean },
    anchor: number,
  ): void;
  /** A page of chat.history({ after }) below the window; the window joins the live list once it reaches it. */
  addNewer(page: Message[], nextCursor: number | null): void;
  /** "Jump to latest" from a window: the live list again, at once. */
  returnToLive(): void;
  /** Into the outgoing queue, last in line (`queued` unless said otherwise). */
  addPending(pending: Omit<PendingMessage, 'status'> & { status?: PendingStatus }): void;
  /** The send succeeded: the pending copy is replaced by the stored message. */
  confirmPending(tempId: string, message: Message): void;
  /** The person discarded a message that could not be sent. */
  dropPending(tempId: string): void;
  /** The outgoing queue moved a message to another state. */
  updatePending(tempId: string, patch: Partial<Pick<PendingMessage, 'status' | 'error'>>): void;
  /** Retry of a failed message: back in the queue, same clientId. */
  retryPending(tempId: string): void;
  setUsers(users: PresenceEntry[]): void;
  applyActivity(event: ActivityEvent, now?: number): void;
  expireTyping(now?: number): void;
  setConnection(state: ConnectionState, retryAt?: number | null, error?: string | null): void;
  setReplyTo(id: number | null): void;
  setHighlighted(id: number | null): void;
  addQuoted(messages: Message[]): void;
  reset(): void;
}

const initial = {
  me: null,
  messages: {},
  order: [],
  pending: [],
  prepended: 0,
  olderCursor: null,
  historyLoaded: false,
  detached: null,
  view: 0,
  anchor: null,
  users: {},
  typing: {},
  connection: { state: 'connecting' as ConnectionState, retryAt: null, error: null },
  replyTo: null,
  highlighted: null,
  quoted: {},
} satisfies Partial<ChatState>;

export const useChatStore = create<ChatState>()((set, get) => ({
  ...initial,

  setMe: (me) => set({ me }),

  addMessages: (batch) => {
    const state = get();
    const incoming = takeThreadReplies(batch);
    const fresh = incoming.filter((m) => !(m.id in state.messages));
    if (fresh.length === 0) return;
    const messages = { ...state.messages };
    for (const m of fresh) messages[m.id] = m;
    // A stored copy of one of our own pending messages may arrive before the send call returns: the pending
    // message with its clientId is that one (without a clientId, the oldest with the same text and reply).
    let pending = state.pending;
    for (const m of fresh) {
      if (m.sender !== state.me?.id) continue;
      const index =
        m.clientId !== null
          ? pending.findIndex((p) => p.tempId === m.clientId)
          : pending.findIndex((p) => p.text.trim() === m.text && p.replyTo === m.replyTo);
      if (index >= 0) pending = pending.filter((_, i) => i !== index);
    }
    // The sender stopped typing once their message is in.
    let typing = state.typing;
    if (fresh.some((m) => m.sender in typing)) {
      typing = { ...typing };
      for (const m of fresh) delete typing[m.sender];
    }
    const ids = fresh.map((m) => m.id);
    set({
      messages,
      // While a window is shown, live messages go to the live list set aside (counted, not shown).
      ...(state.detached
        ? { detached: { ...state.detached, liveOrder: mergeIds(state.detached.liveOrder, ids) } }
        : { order: mergeIds(state.order, ids) }),
      pending,
      typing,
    });
  },

  applyChanges: (changes) => {
    // Thread replies and roots fetched for the thread panel are held there, and follow the same changes.
    useThreadStore.getState().applyChanges(changes);
    const state = get();
    let messages = state.messages;
    let quoted = state.quoted;
    for (const { messageId, message } of changes) {
      if (messageId in messages) {
        if (messages === state.messages) messages = { ...messages };
        messages[messageId] = message;
      }
      if (messageId in quoted) {
        if (quoted === state.quoted) quoted = { ...quoted };
        quoted[messageId] = message;
      }
    }
    if (messages !== state.messages || quoted !== state.quoted) set({ messages, quoted });
  },

  addHistory: (page, nextCursor, isInitial = false) => {
    const state = get();
    const fresh = takeThreadReplies(page).filter((m) => !(m.id in state.messages));
    const messages = { ...state.messages };
    for (const m of fresh) messages[m.id] = m;
    const oldest = state.order[0];
    const older = oldest === undefined ? fresh.length : fresh.filter((m) => m.id < oldest).length;
    set({
      messages,
      order: mergeIds(
        state.order,
        fresh.map((m) => m.id),
      ),
      prepended: isInitial ? state.prepended : state.prepended + older,
      olderCursor: nextCursor,
      historyLoaded: true,
    });
  },

  showWindow: (page, cursors, anchor) =>
    set((s) => showWindow(s, takeThreadReplies(page), { ...cursors, anchor })),

  addNewer: (page, nextCursor) => {
    const next = addNewer(get(), takeThreadReplies(page), nextCursor);
    if (next) set(next);
  },

  returnToLive: () => {
    const next = returnToLive(get());
    if (next) set(next);
  },

  addPending: (pending) => set((s) => ({ pending: [...s.pending, { status: 'queued', ...pending }] })),

  confirmPending: (tempId, message) => {
    set((s) => ({ pending: s.pending.filter((p) => p.tempId !== tempId) }));
    get().addMessages([message]);
  },

  dropPending: (tempId) => set((s) => ({ pending: s.pending.filter((p) => p.tempId !== tempId) })),

  updatePending: (tempId, patch) =>
    set((s) => ({ pending: s.pending.map((p) => (p.tempId === tempId ? { ...p, ...patch } : p)) })),

  retryPending: (tempId) => get().updatePending(tempId, { status: 'queued', error: null }),

  setUsers: (list) => set({ users: Object.fromEntries(list.map((u) => [u.name, u])) }),

  applyActivity: (event, now = Date.now()) => {
    const state = get();
    if (event.type === 'typing') {
      if (event.user === state.me?.id) return;
      const typing = { ...state.typing };
      if (event.isTyping) typing[event.user] = now + TYPING_TTL_MS;
      else delete typing[event.user];
      set({ typing });
      return;
    }
    if (event.type === 'presence') {
      const previous = state.users[event.user];
      const entry: PresenceEntry = {
        ...previous,
        name: event.user,
        kind: event.kind,
        online: event.online,
        connections: event.online ? Math.max(1, previous?.connections ?? 1) : 0,
        since: event.at,
        // An agent's role comes with its hire: shown at once, not after a reload.
        ...(event.role !== undefined ? { role: event.role } : {}),
      };
      set({ users: { ...state.users, [event.user]: entry } });
      return;
    }
    const previous = state.users[event.agent];
    const entry: PresenceEntry = {
      connections: 0,
      since: event.at,
      ...previous,
      name: event.agent,
      kind: 'agent',
      online: event.status !== 'offline',
      status: event.status,
      task: event.task,
      ...(event.failedTask !== undefined ? { failedTask: event.failedTask } : {}),
    };
    set({ users: { ...state.users, [event.agent]: entry } });
  },

  expireTyping: (now = Date.now()) => {
    const typing = get().typing;
    const alive = Object.entries(typing).filter(([, until]) => until > now);
    if (alive.length !== Object.keys(typing).length) set({ typing: Object.fromEntries(alive) });
  },

  setConnection: (state, retryAt = null, error = null) => set({ connection: { state, retryAt, error } }),

  setReplyTo: (replyTo) => set({ replyTo }),

  setHighlighted: (highlighted) => set({ highlighted }),

  addQuoted: (found) => {
    if (found.length === 0) return;
    set((s) => ({ quoted: { ...s.quoted, ...Object.fromEntries(found.map((m) => [m.id, m])) } }));
  },

  reset: () => {
    useThreadStore.getState().reset();
    set({ ...initial });
  },
}));

/** Stored messages in id order (the list shows own messages still sending, `pending`, below them). */
export function selectTimeline(state: Pick<ChatState, 'messages' | 'order'>): Message[] {
  return state.order.map((id) => state.messages[id] as Message);
}

/** Names currently typing, sorted, for "alice is typing…". */
export function typingNames(typing: Record<string, number>, now = Date.now()): string[] {
  return Object.entries(typing)
    .filter(([, until]) => until > now)
    .map(([name]) => name)
    .sort();
}

export function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
