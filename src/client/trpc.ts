// The typed tRPC client: one WebSocket (wsLink) carries queries, mutations and subscriptions, with keep-alive,
// reconnect back-off and the identity as connectionParams. React hooks come from @trpc/react-query.
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from '../server/trpc/root';
import { connectionParams, type Identity } from './lib/identity';

export const trpc = createTRPCReact<AppRouter>();

/** 0.25 s, 0.5 s, 1 s … capped at 8 s: quick after a restart, gentle when the server stays away. */
export function retryDelayMs(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 8_000);
}

export interface ChatClient {
  ws: ReturnType<typeof createWSClient>;
  trpc: TRPCClient<AppRouter>;
  close(): Promise<void>;
}

export function createChatClient(
  url: string,
  identity: Identity,
  hooks: { onRetryScheduled?: (delayMs: number) => void } = {},
): ChatClient {
  const ws = createWSClient({
    url,
    connectionParams: () => connectionParams(identity),
    retryDelayMs: (attempt) => {
      const delay = retryDelayMs(attempt);
      hooks.onRetryScheduled?.(delay);
      return delay;
    },
    // A half-open connection (laptop sleep, proxy timeout) is noticed within seconds, not at the next send.
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return { ws, trpc: client, close: () => ws.close() };
}
