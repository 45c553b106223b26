// The chat's connection object against the real server on 127.0.0.1 port 0 (through a relay the test can cut):
// first page then live stream, paging back, a far jump in a window that pages down to the live list, resume after
// a cut with no gap and no duplicate, sends that wait for the connection, unsent messages of a reloaded tab, retry
// at once on `online` / tab visible, sign-in refusals.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  ChatConnection,
  type ChatConnectionOptions,
  displayedState,
  HISTORY_PAGE,
} from '../../../src/client/lib/chat-connection';
import type { Identity } from '../../../src/client/lib/identity';
import { saveOutbox } from '../../../src/client/lib/outbox-storage';
import type { PageSignals } from '../../../src/client/lib/page-signals';
import { useChatStore } from '../../../src/client/stores/chatStore';
import type { App } from '../../../src/server/app';
import { mintToken } from '../../../src/server/auth';
import { connectClient, startTestServer, type TestClient, waitFor } from '../../helpers/server';
import { type CuttableProxy, cuttableProxy } from '../helpers/cuttable-proxy';

/** The browser page the connection lives in: its network flag, its events and its sessionStorage. */
interface FakePage extends PageSignals {
  online: boolean;
  fire(event: 'online' | 'offline' | 'visible'): void;
}

function fakePage(): FakePage {
  const events = new EventTarget();
  const data = new Map<string, string>();
  const storage: Storage = {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, String(value)),
  };
  const page: FakePage = {
    online: true,
    isOnline: () => page.online,
    on(event, listener) {
      events.addEventListener(event, listener);
      return () => events.removeEventListener(event, listener);
    },
    storage,
    fire: (event) => events.dispatchEvent(new Event(event)),
  };
  return page;
}

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
const store = () => useChatStore.getState();
const storedTexts = () => store().order.map((id) => store().messages[id]?.text);
const waitForState = (state: string) =>
  waitFor(() => store().connection.state === state, 10_000, `connection ${state}`);

let app: App;
let proxy: CuttableProxy;
let other: TestClient;
const opened: ChatConnection[] = [];

function open(
  identity: Identity = { mode: 'open', userId: 'ann' },
  options: Partial<ChatConnectionOptions> = {},
) {
  const connection = new ChatConnection({
    url: proxy.url,
    identity,
    onAuthError: () => undefined,
    page: fakePage(),
    ...options,
    client: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, ...options.client },
  });
  opened.push(connection);
  return connection;
}

/** Bob posts, one after the other; resolves to the stored ids. */
async function post(texts: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const text of texts) ids.push((await other.trpc.chat.send.mutate({ text })).id);
  return ids;
}

describe('ChatConnection', () => {
  beforeEach(async () => {
    store().reset();
    store().setMe({ id: 'ann', role: 'admin' });
    app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    proxy = await cuttableProxy(app.wsUrl);
    other = connectClient(app.wsUrl, { userId: 'bob' });
  });

  afterEach(async () => {
    for (const connection of opened.splice(0)) await connection.close();
    await other.close();
    await proxy.close();
    await app.stop();
  });

  it('loads the newest history page, then streams what others post, in order and once', async () => {
    await post(['one', 'two']);
    open();
    await waitForState('connected');
    await waitFor(() => store().historyLoaded, 5000, 'first page');
    expect(storedTexts()).toEqual(['one', 'two']);

    await post(['three', 'four']);
    await waitFor(() => store().order.length === 4, 5000, 'live messages');
    expect(storedTexts()).toEqual(['one', 'two', 'three', 'four']);
    await waitFor(() => store().users.ann?.online === true, 5000, 'own presence');
  });

  it('pages back through older history until a quoted message is loaded, and says when nothing is older', async () => {
    const [first] = await post(Array.from({ length: HISTORY_PAGE * 2 + 10 }, (_, i) => `m${i}`));
    const connection = open();
    await waitFor(() => store().historyLoaded, 5000, 'first page');
    expect(store().order).toHaveLength(HISTORY_PAGE);

    expect(await connection.loadUntil(first as number)).toBe(true);
    expect(store().messages[first as number]?.text).toBe('m0');
    expect(store().order).toHaveLength(HISTORY_PAGE * 2 + 10);
    expect(await connection.loadOlder()).toBe(false);
    expect(await connection.loadUntil(-1)).toBe(false);
  });

  it('jumps far with one window, keeps live messages aside, and pages down until it joins the live list', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 400; i += 100)
      ids.push(
        ...(
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              app.services.hub.post({ text: `m${i + j}`, sender: 'bob', senderKind: 'user' }, 'api'),
            ),
          )
        ).map((m) => m.id),
      );
    const connection = open();
    await waitFor(() => store().historyLoaded, 5000, 'first page');
    const target = Math.min(...ids) + 100;

    expect(await connection.jumpTo(target)).toBe(true);
    expect(store().detached).not.toBeNull();
    expect(store().order).toContain(target);
    expect(store().order.length).toBeLessThanOrEqual(HISTORY_PAGE);
    const [live] = await post(['while away']);
    await waitFor(() => store().detached?.liveOrder.includes(live as number) === true, 5000, 'live aside');
    expect(store().order).not.toContain(live);

    let pages = 0;
    while (store().detached && pages < 20) {
      await connection.loadNewer();
      pages += 1;
    }
    expect(store().detached).toBeNull();
    expect(pages).toBeLessThanOrEqual(6);
    // One list without a gap from the window's first message to the live one.
    const from = store().order.indexOf(target);
    expect(store().order.slice(from)).toEqual([
      ...ids.filter((id) => id >= target).sort((a, b) => a - b),
      live,
    ]);
    // Near (a page older than the oldest shown): the pages between load, no window.
    const oldest = store().order[0] as number;
    expect(await connection.jumpTo(oldest - 30)).toBe(true);
    expect(store().detached).toBeNull();
    expect(await connection.jumpTo(999_999)).toBe(false);
  });

  it('resumes after the connection is cut with what was posted meanwhile, no gap and no duplicate', async () => {
    open();
    await waitForState('connected');
    await post(['before']);
    await waitFor(() => store().order.length === 1, 5000, 'first live message');

    proxy.cut({ refuse: true });
    await waitForState('reconnecting');
    await post(['while away 1', 'while away 2', 'while away 3']);
    proxy.allow();
    await waitForState('connected');
    await post(['after']);

    await waitFor(() => store().order.length === 5, 10_000, 'every message');
    expect(storedTexts()).toEqual(['before', 'while away 1', 'while away 2', 'while away 3', 'after']);
  });

  it('holds a message sent while the connection is cut and stores it once when it is back', async () => {
    const connection = open();
    await waitForState('connected');
    proxy.cut({ refuse: true });
    await waitForState('reconnecting');

    expect(await connection.send('typed in a tunnel', null)).toEqual({ ok: true });
    expect(store().pending.map((p) => p.text)).toEqual(['typed in a tunnel']);
    proxy.allow();

    await waitFor(() => store().pending.length === 0, 10_000, 'the send to be confirmed');
    const history = await other.trpc.chat.history.query({});
    expect(history.messages.filter((m) => m.text === 'typed in a tunnel')).toHaveLength(1);
    expect(storedTexts()).toEqual(['typed in a tunnel']);
  });

  it('sends, once, the messages a reloaded tab left unsent', async () => {
    const page = fakePage();
    saveOutbox(page.storage, 'ann', [
      {
        tempId: 'pending-left-over-1',
        text: 'left over',
        replyTo: null,
        sender: 'ann',
        createdAt: new Date().toISOString(),
        status: 'sending',
      },
    ]);
    open(undefined, { page });

    await waitFor(() => storedTexts().includes('left over'), 10_000, 'the left-over message');
    await waitFor(() => page.storage.length === 0, 5000, 'the outbox to empty');
    const history = await other.trpc.chat.history.query({});
    expect(history.messages.filter((m) => m.text === 'left over')).toHaveLength(1);
  });

  it('tries again at once when the network comes back, and when the tab comes to the front', async () => {
    const page = fakePage();
    // A backoff no test outlives: only the page's events can end the wait.
    open(undefined, { page, client: { delayMs: () => 600_000 } });
    await waitForState('connected');

    proxy.cut();
    await waitFor(() => store().connection.retryAt !== null, 5000, 'a retry to be scheduled');
    page.online = false;
    page.fire('offline');
    expect(store().connection.state).toBe('offline');
    page.online = true;
    page.fire('online');
    expect(store().connection.state).toBe('reconnecting');
    await waitForState('connected');

    proxy.cut();
    await waitFor(() => store().connection.retryAt !== null, 5000, 'the next retry to be scheduled');
    page.fire('visible');
    await waitForState('connected');
    await post(['still live']);
    await waitFor(() => storedTexts().includes('still live'), 5000, 'a live message after the wake');
  });

  it('hands a refused sign-in to onAuthError instead of retrying', async () => {
    await app.stop();
    await proxy.close();
    app = await startTestServer({ AUTH_SECRET: SECRET });
    proxy = await cuttableProxy(app.wsUrl);
    const onAuthError = vi.fn();

    open({ mode: 'token', token: 'not.a.token' }, { onAuthError });

    await waitFor(() => onAuthError.mock.calls.length > 0, 10_000, 'the auth error');
    expect(String(onAuthError.mock.calls[0]?.[0])).toMatch(/sign in|token/i);
  });

  it('tells onAuthError when the person is revoked while connected', async () => {
    await app.stop();
    await proxy.close();
    await other.close();
    app = await startTestServer({ AUTH_SECRET: SECRET });
    proxy = await cuttableProxy(app.wsUrl);
    other = connectClient(app.wsUrl, { token: await mintToken(SECRET, { user: 'root', role: 'admin' }) });
    const onAuthError = vi.fn();
    open({ mode: 'token', token: await mintToken(SECRET, { user: 'ann', role: 'user' }) }, { onAuthError });
    await waitForState('connected');
    await waitFor(() => store().historyLoaded, 5000, 'first page');
    expect(onAuthError).not.toHaveBeenCalled();

    await other.trpc.users.revoke.mutate({ user: 'ann' });

    await waitFor(() => onAuthError.mock.calls.length > 0, 10_000, 'the auth error');
  });

  it('closes its socket and stops reacting to the page when closed', async () => {
    const page = fakePage();
    const connection = open(undefined, { page });
    await waitForState('connected');

    await connection.close();

    expect(connection.closed).toBe(true);
    expect(connection.client.ws.connectionState.get().state).toBe('idle');
    page.fire('offline');
    expect(store().connection.state).not.toBe('offline');
  });
});

describe('displayedState', () => {
  const online = { everConnected: false, online: true };
  it('names an open socket connected, a closed one offline, and a connect after a first one a reconnect', () => {
    expect(displayedState({ state: 'pending', error: null }, online)).toBe('connected');
    expect(displayedState({ state: 'idle', error: null }, online)).toBe('offline');
    expect(displayedState({ state: 'connecting', error: null }, online)).toBe('connecting');
    expect(displayedState({ state: 'connecting', error: { message: 'x' } }, online)).toBe('reconnecting');
    expect(displayedState({ state: 'connecting', error: null }, { ...online, everConnected: true })).toBe(
      'reconnecting',
    );
    expect(displayedState({ state: 'connecting', error: null }, { ...online, online: false })).toBe(
      'offline',
    );
  });
});
