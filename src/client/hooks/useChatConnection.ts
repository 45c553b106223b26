// The chat's connection (the old useWebSocket): a wsLink client, the resumable message stream, activity,
// presence, history paging and sending through the outgoing queue. Everything it learns goes into chatStore.
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type Identity, whoAmI } from '../lib/identity';
import { loadOutbox, saveOutbox } from '../lib/outbox-storage';
import { OutgoingQueue } from '../lib/outgoing-queue';
import { type ConnectionState, useChatStore } from '../stores/chatStore';
import { type ChatClient, createChatClient } from '../trpc';

export const HISTORY_PAGE = 50;

export interface SendResult {
  ok: boolean;
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ChatConnection {
  client: ChatClient;
  /** Puts the message in the outgoing queue (shown at once as "sending…"); it never fails to accept it. */
  send(text: string, replyTo: number | null): Promise<SendResult>;
  /** Loads the page before the oldest loaded message; resolves false when there is nothing older. */
  loadOlder(): Promise<boolean>;
  /** Loads older pages until `id` is in the store (for jumping to a quoted message). */
  loadUntil(id: number): Promise<boolean>;
  setTyping(isTyping: boolean): void;
}

export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

let tempCounter = 0;

export function useChatConnection(
  wsUrl: string,
  identity: Identity,
  onAuthError: (message: string) => void,
): ChatConnection | null {
  const store = useChatStore;
  // Created inside the effect (not in a memo) so StrictMode's mount-unmount-mount gets a live client.
  const [client, setClient] = useState<ChatClient | null>(null);
  const loadingOlder = useRef<Promise<boolean> | null>(null);
  const authErrorRef = useRef(onAuthError);
  authErrorRef.current = onAuthError;

  useEffect(() => {
    let retryAt: number | null = null;
    const client = createChatClient(wsUrl, identity, {
      onRetryScheduled: (delay) => {
        retryAt = Date.now() + delay;
        const { state, error } = store.getState().connection;
        if (state !== 'connected')
          store.getState().setConnection(navigator.onLine ? 'reconnecting' : 'offline', retryAt, error);
      },
    });
    setClient(client);
    const { trpc, ws } = client;
    let disposed = false;
    let everConnected = false;
    const subs: { unsubscribe(): void }[] = [];

    const refreshPresence = () =>
      trpc.presence.list
        .query()
        .then((list) => !disposed && store.getState().setUsers(list))
        .catch(() => undefined);

    const isAuthError = (error: unknown) =>
      error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED';
    // The id of the last streamed message: where a fresh subscription resumes (own sends confirmed by the
    // mutation may be newer, so the store's newest id is not a safe resume point).
    let streamedUpTo = 0;
    const subscribeMessages = () => {
      const sub = trpc.chat.onMessage.subscribe(
        { lastEventId: String(streamedUpTo) },
        {
          onData: (event) => {
            const batch = event.data.messages;
            streamedUpTo = batch[batch.length - 1]?.id ?? streamedUpTo;
            store.getState().addMessages(batch);
          },
          onError: (error) => {
            if (disposed) return;
            if (isAuthError(error)) return authErrorRef.current(error.message);
            // Dropped connections are resumed by the wsLink itself; an error result ends the stream: reopen it.
            store.getState().setConnection('reconnecting', null, errorText(error));
            setTimeout(() => !disposed && subs.push(subscribeMessages()), 1_000);
          },
        },
      );
      return sub;
    };

    let started = false;
    let starting = false;
    const start = async () => {
      if (started || starting) return;
      starting = true;
      try {
        const page = await trpc.chat.history.query({ limit: HISTORY_PAGE });
        if (disposed) return;
        store.getState().addHistory(page.messages, page.nextCursor, true);
        // Resume right after the newest message we have; 0 replays anything that raced the first page.
        streamedUpTo = page.messages[page.messages.length - 1]?.id ?? 0;
        subs.push(
          subscribeMessages(),
          trpc.chat.onActivity.subscribe(undefined, {
            onData: (event) => store.getState().applyActivity(event),
          }),
        );
        started = true;
        await refreshPresence();
      } catch (error) {
        if (disposed) return;
        if (isAuthError(error)) authErrorRef.current(errorText(error));
        else store.getState().setConnection('reconnecting', null, errorText(error));
      } finally {
        starting = false;
      }
    };
    void start();

    const stateSub = ws.connectionState.subscribe({
      next: (s) => {
        let state: ConnectionState;
        if (s.state === 'pending') {
          state = 'connected';
          if (everConnected) void refreshPresence();
          everConnected = true;
          // The first load failed (server down when the page opened): try again now that it is back.
          if (!started) void start();
        } else if (s.state === 'idle') state = 'offline';
        else if (!navigator.onLine) state = 'offline';
        else state = everConnected || s.error ? 'reconnecting' : 'connecting';
        const wait = state === 'reconnecting' && retryAt !== null && retryAt > Date.now();
        store.getState().setConnection(state, wait ? retryAt : null, s.error?.message ?? null);
      },
    });
    const goneOffline = () => store.getState().setConnection('offline');
    const backOnline = () => {
      if (store.getState().connection.state === 'offline') store.getState().setConnection('reconnecting');
      client.wake();
    };
    window.addEventListener('offline', goneOffline);
    window.addEventListener('online', backOnline);
    // A tab coming back to the front (laptop lid opened, phone unlocked) retries now rather than at the backoff's end.
    const visible = () => {
      if (document.visibilityState === 'visible') client.wake();
    };
    document.addEventListener('visibilitychange', visible);

    // Unsent messages outlive a reload of the tab; they go again with their clientId, so at most once.
    const user = whoAmI(identity)?.id ?? null;
    if (user) {
      const have = new Set(store.getState().pending.map((p) => p.tempId));
      for (const p of loadOutbox(sessionStorage, user))
        if (!have.has(p.tempId)) store.getState().addPending(p);
    }
    const saveSub = store.subscribe((s, previous) => {
      if (user && s.pending !== previous.pending) saveOutbox(sessionStorage, user, s.pending);
    });
    // Sends cut off by the last connection (or this effect's previous run) go again from the top of the queue.
    for (const p of store.getState().pending)
      if (p.status === 'sending' || p.status === 'waiting')
        store.getState().updatePending(p.tempId, { status: 'queued' });
    const whenConnected = () =>
      new Promise<void>((resolve) => {
        if (disposed || store.getState().connection.state === 'connected') return resolve();
        const unsubscribe = store.subscribe((s) => {
          if (!disposed && s.connection.state !== 'connected') return;
          unsubscribe();
          resolve();
        });
      });
    const queue = new OutgoingQueue({
      store,
      send: (m) => trpc.chat.send.mutate({ text: m.text, replyTo: m.replyTo, clientId: m.tempId }),
      whenConnected,
      sleep,
      errorText,
    });

    const typingTimer = setInterval(() => store.getState().expireTyping(), 500);
    return () => {
      disposed = true;
      queue.stop();
      saveSub();
      clearInterval(typingTimer);
      document.removeEventListener('visibilitychange', visible);
      for (const sub of subs) sub.unsubscribe();
      stateSub.unsubscribe();
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
      void client.close();
      setClient(null);
    };
  }, [wsUrl, identity]);

  const send = useCallback(async (text: string, replyTo: number | null): Promise<SendResult> => {
    tempCounter += 1;
    // Unique across this person's tabs and devices too: it is the send's idempotency key on the server, so a
    // retry after a dropped connection or the rate limit is committed once.
    const tempId = `pending-${Date.now()}-${tempCounter}-${Math.random().toString(36).slice(2, 10)}`;
    store.getState().addPending({
      tempId,
      text,
      replyTo,
      sender: store.getState().me?.id ?? '',
      createdAt: new Date().toISOString(),
    });
    return { ok: true };
  }, []);

  const loadOlder = useCallback((): Promise<boolean> => {
    loadingOlder.current ??= (async () => {
      try {
        const { olderCursor, historyLoaded } = store.getState();
        if (!client) return false;
        if (!historyLoaded || olderCursor === null) return false;
        const page = await client.trpc.chat.history.query({ cursor: olderCursor, limit: HISTORY_PAGE });
        store.getState().addHistory(page.messages, page.nextCursor);
        return page.messages.length > 0;
      } finally {
        loadingOlder.current = null;
      }
    })();
    return loadingOlder.current;
  }, [client]);

  const loadUntil = useCallback(
    async (id: number): Promise<boolean> => {
      while (!(id in store.getState().messages)) {
        if (!(await loadOlder())) return id in store.getState().messages;
      }
      return true;
    },
    [loadOlder],
  );

  const setTyping = useCallback(
    (isTyping: boolean) => {
      client?.trpc.chat.setTyping.mutate({ isTyping }).catch(() => undefined);
    },
    [client],
  );

  return useMemo<ChatConnection | null>(
    () => (client ? { client, send, loadOlder, loadUntil, setTyping } : null),
    [client, send, loadOlder, loadUntil, setTyping],
  );
}
