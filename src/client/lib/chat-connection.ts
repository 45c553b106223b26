// The chat's connection as one object: a wsLink client (jittered reconnect, lib/reconnect.ts), the newest history
// page then the resumable message stream, activity, presence, history paging and sending through the outgoing
// queue. Everything it learns goes into chatStore; useChatConnection only opens and closes it with the component.
import { TRPCClientError } from '@trpc/client';
import { type ConnectionState, useChatStore } from '../stores/chatStore';
import { type ChatClient, type ChatClientOptions, createChatClient } from '../trpc';
import { type Identity, whoAmI } from './identity';
import { loadOutbox, saveOutbox } from './outbox-storage';
import { OutgoingQueue } from './outgoing-queue';
import { browserPage, type PageSignals } from './page-signals';

export const HISTORY_PAGE = 50;
/**
 * A jump to a message at most this many ids older than the oldest shown loads the pages between (at most ~2, ids
 * also count thread replies and changes); a farther one shows a window around it (chat.around) instead.
 */
export const NEAR_JUMP_IDS = 2 * HISTORY_PAGE;
/** Wait before reopening a message stream that ended with an error result (the wsLink resumes dropped ones). */
const RESUBSCRIBE_AFTER_MS = 1_000;
/** How often "x is typing" lines are checked for expiry. */
const TYPING_SWEEP_MS = 500;

interface SendResult {
  ok: boolean;
  error?: string;
}

export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

const isAuthError = (error: unknown) =>
  error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wsClient's own view of its socket, as its connectionState observable reports it. */
interface SocketState {
  state: 'idle' | 'connecting' | 'pending';
  error: { message: string } | null;
}

/**
 * What the header shows for a socket state: `pending` means the socket is open (tRPC's name), `idle` that it was
 * closed on purpose; a connect that follows an earlier connection or a failure is a reconnect.
 */
export function displayedState(
  socket: SocketState,
  { everConnected, online }: { everConnected: boolean; online: boolean },
): ConnectionState {
  if (socket.state === 'pending') return 'connected';
  if (socket.state === 'idle' || !online) return 'offline';
  return everConnected || socket.error ? 'reconnecting' : 'connecting';
}

export interface ChatConnectionOptions {
  url: string;
  identity: Identity;
  /** The server refused who we are (UNAUTHORIZED): the person must sign in again. */
  onAuthError(message: string): void;
  page?: PageSignals;
  /** The WebSocket implementation and the reconnect wait, for runs outside a browser. */
  client?: Omit<ChatClientOptions, 'onRetryScheduled'>;
}

let tempCounter = 0;

/**
 * One open connection, from construction to close(). Its own state: `phase` (the first history page and the
 * subscriptions are `idle` until loaded, `loading` while being loaded, then `live`; `closed` at the end), whether
 * it was ever connected, when the next retry is due, and the id of the last streamed message (the resume point).
 */
export class ChatConnection {
  readonly client: ChatClient;
  private phase: 'idle' | 'loading' | 'live' | 'closed' = 'idle';
  private everConnected = false;
  private retryAt: number | null = null;
  // The id of the last streamed message: where a fresh subscription resumes (own sends confirmed by the mutation
  // may be newer, so the store's newest id is not a safe resume point).
  private streamedUpTo = 0;
  private loadingOlder: Promise<boolean> | null = null;
  private loadingNewer: Promise<boolean> | null = null;
  private readonly store = useChatStore;
  private readonly page: PageSignals;
  private readonly onAuthError: (message: string) => void;
  private readonly subscriptions: { unsubscribe(): void }[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly cleanups: (() => void)[] = [];
  private readonly queue: OutgoingQueue;

  constructor(options: ChatConnectionOptions) {
    this.page = options.page ?? browserPage();
    this.onAuthError = options.onAuthError;
    this.client = createChatClient(options.url, options.identity, {
      ...options.client,
      onRetryScheduled: (delay) => this.retryScheduled(delay),
    });
    void this.start();

    const socket = this.client.ws.connectionState.subscribe({ next: (s) => this.socketChanged(s) });
    this.cleanups.push(
      () => socket.unsubscribe(),
      this.page.on('offline', () => this.store.getState().setConnection('offline')),
      this.page.on('online', () => {
        if (this.store.getState().connection.state === 'offline')
          this.store.getState().setConnection('reconnecting');
        this.client.wake();
      }),
      // A tab coming back to the front (laptop lid opened, phone unlocked) retries now, not at the backoff's end.
      this.page.on('visible', () => this.client.wake()),
    );
    this.restoreOutbox(whoAmI(options.identity)?.id ?? null);
    this.queue = new OutgoingQueue({
      store: this.store,
      send: (m) =>
        this.client.trpc.chat.send.mutate({ text: m.text, replyTo: m.replyTo, clientId: m.tempId }),
      whenConnected: () => this.whenConnected(),
      sleep,
      errorText,
    });
    const sweep = setInterval(() => this.store.getState().expireTyping(), TYPING_SWEEP_MS);
    this.cleanups.push(() => clearInterval(sweep));
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Puts the message in the outgoing queue (shown at once as "sending…"); it never fails to accept it. */
  readonly send = async (text: string, replyTo: number | null): Promise<SendResult> => {
    tempCounter += 1;
    // Unique across this person's tabs and devices too: it is the send's idempotency key on the server, so a
    // retry after a dropped connection or the rate limit is committed once.
    const tempId = `pending-${Date.now()}-${tempCounter}-${Math.random().toString(36).slice(2, 10)}`;
    this.store.getState().addPending({
      tempId,
      text,
      replyTo,
      sender: this.store.getState().me?.id ?? '',
      createdAt: new Date().toISOString(),
    });
    return { ok: true };
  };

  /** Loads the page before the oldest loaded message; resolves false when there is nothing older. */
  readonly loadOlder = (limit: number = HISTORY_PAGE): Promise<boolean> => {
    this.loadingOlder ??= (async () => {
      try {
        const { olderCursor, historyLoaded } = this.store.getState();
        if (!historyLoaded || olderCursor === null) return false;
        const page = await this.client.trpc.chat.history.query({ cursor: olderCursor, limit });
        this.store.getState().addHistory(page.messages, page.nextCursor);
        return page.messages.length > 0;
      } finally {
        this.loadingOlder = null;
      }
    })();
    return this.loadingOlder;
  };

  /**
   * Below a far jump's window: loads the next newer page (the window joins the live list once it reaches it).
   * Resolves false when no window is shown.
   */
  readonly loadNewer = (limit: number = HISTORY_PAGE): Promise<boolean> => {
    this.loadingNewer ??= (async () => {
      try {
        const { detached, order } = this.store.getState();
        const after = order[order.length - 1];
        if (!detached || after === undefined) return false;
        const page = await this.client.trpc.chat.history.query({ after, limit });
        // Back on the live list (Jump to latest) or another window meanwhile: this page is not the next one.
        const now = this.store.getState();
        if (now.detached !== null && now.order[now.order.length - 1] === after)
          now.addNewer(page.messages, page.nextCursor);
        return page.messages.length > 0;
      } finally {
        this.loadingNewer = null;
      }
    })();
    return this.loadingNewer;
  };

  /** Loads older pages until `id` is in the store (for jumping to a quoted message). */
  readonly loadUntil = async (id: number): Promise<boolean> => {
    while (!(id in this.store.getState().messages)) {
      if (!(await this.loadOlder())) return id in this.store.getState().messages;
    }
    return true;
  };

  /**
   * Makes message `id` one of the shown rows, for a jump (search result, quote, notification): a message of the live
   * list set aside brings it back; one a page or two older than the oldest shown loads those pages; anything
   * farther shows a window around it (one chat.around) instead of every page between. False: no such message in
   * the main conversation.
   */
  readonly jumpTo = async (id: number): Promise<boolean> => {
    const state = this.store.getState();
    if (state.order.includes(id)) return true;
    if (state.detached?.liveOrder.includes(id)) {
      state.returnToLive();
      return true;
    }
    const oldest = state.order[0];
    const near = state.historyLoaded && oldest !== undefined && id < oldest && oldest - id <= NEAR_JUMP_IDS;
    if (near) return this.loadUntil(id);
    try {
      const page = await this.client.trpc.chat.around.query({ id, limit: HISTORY_PAGE });
      this.store.getState().showWindow(page.messages, page, id);
    } catch (error) {
      if (error instanceof TRPCClientError && error.data?.code === 'NOT_FOUND') return false;
      throw error;
    }
    return this.store.getState().order.includes(id);
  };

  readonly setTyping = (isTyping: boolean): void => {
    this.client.trpc.chat.setTyping.mutate({ isTyping }).catch(() => undefined);
  };

  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.queue.stop();
    for (const cleanup of this.cleanups) cleanup();
    for (const timer of this.timers) clearTimeout(timer);
    for (const sub of this.subscriptions) sub.unsubscribe();
    await this.client.close();
  }

  /** The first history page, then the streams; tried again on the next connect when it fails. */
  private async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'loading';
    try {
      const page = await this.client.trpc.chat.history.query({ limit: HISTORY_PAGE });
      if (this.closed) return;
      this.store.getState().addHistory(page.messages, page.nextCursor, true);
      // Resume right after the newest message we have; 0 replays anything that raced the first page.
      this.streamedUpTo = page.messages[page.messages.length - 1]?.id ?? 0;
      this.subscriptions.push(
        this.subscribeMessages(),
        this.client.trpc.chat.onActivity.subscribe(undefined, {
          onData: (event) => this.store.getState().applyActivity(event),
        }),
      );
      this.phase = 'live';
      await this.refreshPresence();
    } catch (error) {
      if (this.closed) return;
      this.phase = 'idle';
      if (isAuthError(error)) this.onAuthError(errorText(error));
      else this.store.getState().setConnection('reconnecting', null, errorText(error));
    }
  }

  private subscribeMessages(): { unsubscribe(): void } {
    return this.client.trpc.chat.onMessage.subscribe(
      { lastEventId: String(this.streamedUpTo) },
      {
        onData: (event) => {
          const { messages, changes } = event.data;
          // The frame's tracked id covers its changes too (they share the messages' id sequence): resuming after
          // it neither misses nor repeats an edit.
          const tracked = Number(event.id);
          this.streamedUpTo = Number.isFinite(tracked)
            ? tracked
            : (messages[messages.length - 1]?.id ?? this.streamedUpTo);
          const store = this.store.getState();
          store.addMessages(messages);
          if (changes) store.applyChanges(changes);
        },
        onError: (error) => {
          if (this.closed) return;
          if (isAuthError(error)) return this.onAuthError(error.message);
          // Dropped connections are resumed by the wsLink itself; an error result ends the stream: reopen it.
          this.store.getState().setConnection('reconnecting', null, errorText(error));
          this.later(RESUBSCRIBE_AFTER_MS, () => this.subscriptions.push(this.subscribeMessages()));
        },
      },
    );
  }

  private refreshPresence(): Promise<unknown> {
    return this.client.trpc.presence.list
      .query()
      .then((list) => !this.closed && this.store.getState().setUsers(list))
      .catch(() => undefined);
  }

  private retryScheduled(delay: number): void {
    this.retryAt = Date.now() + delay;
    const { state, error } = this.store.getState().connection;
    if (state !== 'connected')
      this.store
        .getState()
        .setConnection(this.page.isOnline() ? 'reconnecting' : 'offline', this.retryAt, error);
  }

  private socketChanged(socket: SocketState): void {
    const state = displayedState(socket, { everConnected: this.everConnected, online: this.page.isOnline() });
    if (state === 'connected') {
      if (this.everConnected) void this.refreshPresence();
      this.everConnected = true;
      // The first load failed (server down when the page opened): try again now that it is back.
      void this.start();
    }
    const wait = state === 'reconnecting' && this.retryAt !== null && this.retryAt > Date.now();
    this.store.getState().setConnection(state, wait ? this.retryAt : null, socket.error?.message ?? null);
  }

  /** Sends cut off by the last connection (or a previous one of this tab) go again from the top of the queue. */
  private restoreOutbox(user: string | null): void {
    // Unsent messages outlive a reload of the tab; they go again with their clientId, so at most once.
    if (user) {
      const have = new Set(this.store.getState().pending.map((p) => p.tempId));
      for (const p of loadOutbox(this.page.storage, user))
        if (!have.has(p.tempId)) this.store.getState().addPending(p);
    }
    this.cleanups.push(
      this.store.subscribe((s, previous) => {
        if (user && s.pending !== previous.pending) saveOutbox(this.page.storage, user, s.pending);
      }),
    );
    for (const p of this.store.getState().pending)
      if (p.status === 'sending' || p.status === 'waiting')
        this.store.getState().updatePending(p.tempId, { status: 'queued' });
  }

  private whenConnected(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed || this.store.getState().connection.state === 'connected') return resolve();
      const unsubscribe = this.store.subscribe((s) => {
        if (!this.closed && s.connection.state !== 'connected') return;
        unsubscribe();
        resolve();
      });
    });
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) work();
    }, ms);
    this.timers.add(timer);
  }
}
