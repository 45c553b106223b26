// One client process of the idle scenario (./idle-scenario.ts): opens its share of idle connections as the web
// client does (@trpc/client createWSClient in token mode, subscribed to chat.onMessage), spreading its sockets over
// several loopback source addresses so that 100k connections to one server port fit in the ephemeral port range.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { mintToken } from '../../src/server/auth';
import type { AppRouter } from '../../src/server/trpc/root';

export interface IdleClientsSetup {
  url: string;
  secret: string;
  /** Index of this process's first connection among all of them (users are idle<index>). */
  first: number;
  count: number;
  /** Source addresses, used in turn (127.0.0.2 … 127.0.0.9). */
  addresses: string[];
  /** Connections being opened at once: more would overflow the server's accept backlog and wait on SYN retries. */
  concurrency: number;
}

export type IdleClientsReport =
  | { type: 'loaded' }
  | { type: 'progress'; open: number }
  | { type: 'ready'; open: number; ms: number }
  | { type: 'failed'; message: string };

const setup = JSON.parse(process.env.IDLE_CLIENTS_SETUP ?? 'null') as IdleClientsSetup | null;
if (!setup || !process.send)
  throw new Error('idle-clients.ts is started by idle-scenario.ts (IPC, setup in env)');
const report = (message: IdleClientsReport) => process.send?.(message);

let turn = 0;
/** ws with a source address: @trpc/client constructs its socket with the URL only. */
class BoundWebSocket extends WebSocket {
  constructor(url: string) {
    const addresses = setup?.addresses ?? [];
    super(url, { localAddress: addresses[turn++ % addresses.length] });
  }
}

const clients: unknown[] = [];
async function open(index: number): Promise<void> {
  const s = setup as IdleClientsSetup;
  const token = await mintToken(s.secret, { user: `idle${index}`, role: 'user' }, '2h');
  const ws = createWSClient({
    url: s.url,
    WebSocket: BoundWebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: () => 1000,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  await new Promise<void>((resolve, reject) => {
    const subscription = trpc.chat.onMessage.subscribe(undefined, {
      onStarted: () => resolve(),
      onError: reject,
    });
    clients.push(subscription, ws);
  });
}

// The connect time starts when every client process is loaded, not while tsx compiles this one.
report({ type: 'loaded' });
await new Promise((resolve) => process.once('message', resolve));
const start = performance.now();
let next = 0;
let open_ = 0;
try {
  await Promise.all(
    Array.from({ length: setup.concurrency }, async () => {
      while (next < setup.count) {
        const index = setup.first + next++;
        await open(index);
        open_++;
        if (open_ % 1000 === 0) report({ type: 'progress', open: open_ });
      }
    }),
  );
  report({ type: 'ready', open: open_, ms: performance.now() - start });
} catch (error) {
  report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
// Held open until the scenario ends this process.
process.on('disconnect', () => process.exit(0));
