// Client connections for every server under test behind one shape: subscribers that report sequence numbers,
// senders that send them. tRPC clients (project, tRPC peer, floor) are real @trpc/client wsLink connections in
// token mode; baseline clients are plain ws; Socket.IO clients are socket.io-client on the websocket transport.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { AppRouter } from '../../src/server/trpc/root';
import { type SenderGroup, senderProcess } from './sender-process';

/** Which client library a driver speaks: tRPC (project, tRPC peer, floor), raw ws, or Socket.IO. */
export type ClientKind = 'project' | 'baseline' | 'socketio';

export interface Driver {
  name: ClientKind;
  /**
   * Opens `n` subscribed connections; resolves once every subscription is live. `at` is when a delivery arrived
   * (performance.now() of this thread) if it was received elsewhere; otherwise it arrived just now.
   */
  subscribe(n: number, onSeq: (subscriber: number, seq: number, at?: number) => void): Promise<void>;
  /** Opens a sending connection. `send` resolves when the server has accepted (project: committed) it. */
  sender(): Promise<(seq: number) => Promise<void>>;
  /** Opens `count` senders in a process of their own (see ./sender-process.ts). */
  senderGroup(count: number): Promise<SenderGroup>;
  close(): Promise<void>;
}

const SEQ = /^bench (\d+)$/;

/** With several URLs (instances of a cluster) subscribers are spread evenly and the sender uses the first. */
export function projectDriver(wsUrls: string | string[], token: (user: string) => Promise<string>): Driver {
  const urls = Array.isArray(wsUrls) ? wsUrls : [wsUrls];
  const clients: ReturnType<typeof createWSClient>[] = [];
  let senders = 0;
  const open = async (user: string, index = 0) => {
    const ws = createWSClient({
      url: urls[index % urls.length] as string,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: await token(user) },
      retryDelayMs: () => 200,
    });
    clients.push(ws);
    return createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  };
  return {
    name: 'project',
    async subscribe(n, onSeq) {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const trpc = await open(`sub${i}`, i);
          await new Promise<void>((resolve, reject) => {
            trpc.chat.onMessage.subscribe(undefined, {
              onStarted: () => resolve(),
              onError: reject,
              onData: ({ data }) => {
                for (const m of data.messages) {
                  const match = SEQ.exec(m.text);
                  if (match) onSeq(i, Number(match[1]));
                }
              },
            });
          });
        }),
      );
    },
    async sender() {
      const trpc = await open(`sender${senders++}`);
      return async (seq) => {
        await trpc.chat.send.mutate({ text: `bench ${seq}` });
      };
    },
    async senderGroup(count) {
      const names = Array.from({ length: count }, (_, i) => `sender${i}`);
      const tokens = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await token(n)])));
      return senderProcess({ kind: 'project', url: urls[0] as string, tokens }, count);
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

export function baselineDriver(wsUrl: string): Driver {
  const sockets: WebSocket[] = [];
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      sockets.push(ws);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  return {
    name: 'baseline',
    async subscribe(n, onSeq) {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const ws = await open();
          ws.on('message', (data) => {
            const match = SEQ.exec((JSON.parse(String(data)) as { text: string }).text);
            if (match) onSeq(i, Number(match[1]));
          });
        }),
      );
    },
    async sender() {
      const ws = await open();
      return async (seq) => {
        ws.send(JSON.stringify({ text: `bench ${seq}` }));
      };
    },
    senderGroup: (count) => senderProcess({ kind: 'baseline', url: wsUrl, tokens: {} }, count),
    async close() {
      for (const ws of sockets) ws.terminate();
    },
  };
}

/** Socket.IO subscribers and senders; a send resolves on the server's acknowledgement (the message it emitted). */
export function socketioDriver(url: string): Driver {
  const sockets: Socket[] = [];
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  return {
    name: 'socketio',
    async subscribe(n, onSeq) {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const socket = await open();
          socket.on('message', (m: { text: string }) => {
            const match = SEQ.exec(m.text);
            if (match) onSeq(i, Number(match[1]));
          });
        }),
      );
    },
    async sender() {
      const socket = await open();
      return async (seq) => {
        await socket.emitWithAck('send', { text: `bench ${seq}` });
      };
    },
    senderGroup: (count) => senderProcess({ kind: 'socketio', url, tokens: {} }, count),
    async close() {
      for (const socket of sockets) socket.disconnect();
    },
  };
}

/** The driver for a client kind (tokens are only used by tRPC clients). */
export function driverFor(
  kind: ClientKind,
  urls: string[],
  token: (user: string) => Promise<string>,
): Driver {
  if (kind === 'project') return projectDriver(urls, token);
  if (kind === 'socketio') return socketioDriver(urls[0] as string);
  return baselineDriver(urls[0] as string);
}
