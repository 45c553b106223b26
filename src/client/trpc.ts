// The typed tRPC client: one WebSocket (wsLink) carries queries, mutations and subscriptions, with keep-alive,
// jittered reconnect back-off (lib/reconnect.ts) and the identity as connectionParams. React hooks come from @trpc/react-query.
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from '../server/trpc/root';
import { connectionParams, type Identity } from './lib/identity';
import { ReconnectGate } from './lib/reconnect';

export const trpc = createTRPCReact<AppRouter>();

export interface ChatClient {
  ws: ReturnType<typeof createWSClient>;
  trpc: TRPCClient<AppRouter>;
  /** Reconnect now instead of at the end of the backoff (the network or the tab came back). */
  wake(): boolean;
  close(): Promise<void>;
}

export interface ChatClientOptions {
  onRetryScheduled?(delayMs: number): void;
  /** The wait before retry `attempt`; the jittered backoff unless given. */
  delayMs?(attempt: number): number;
  /** Outside a browser (Node has no global WebSocket): `ws`. */
  WebSocket?: typeof globalThis.WebSocket;
}

export function createChatClient(
  url: string,
  identity: Identity,
  options: ChatClientOptions = {},
): ChatClient {
  const gate = new ReconnectGate(url, options);
  const ws = createWSClient({
    url: gate.url,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    connectionParams: () => connectionParams(identity),
    retryDelayMs: gate.retryDelayMs,
    // A half-open connection (laptop sleep, proxy timeout) is noticed within seconds, not at the next send.
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return {
    ws,
    trpc: client,
    wake: () => gate.wake(),
    close: () => {
      gate.close();
      return ws.close();
    },
  };
}
