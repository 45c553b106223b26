// tRPC's own WebSocket handler (applyWSSHandler), selected by WS_HANDLER=trpc: the reference the lean handler
// (./trpc-ws-connection.ts) is tested against, and a fallback should an upgrade of tRPC or ws break the lean one.
// It lacks what the lean handler adds: the per-connection limits (WS_MAX_BATCH, live subscriptions, calls in
// progress, unsent bytes) and the revocation check before every call (a revoked user's sockets are still closed
// by the connection limits, and the context refuses their reconnect).
import type { IncomingMessage } from 'node:http';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Context } from '../trpc/context';
import { appRouter } from '../trpc/root';
import type { RpcErrorReport } from './trpc-ws-connection';
import type { ConnectionParams } from './trpc-ws-messages';

export interface StockOptions {
  createContext(socket: WebSocket, connectionParams: ConnectionParams): Promise<Context>;
  onError(report: RpcErrorReport): void;
}

/** Serves tRPC with applyWSSHandler; `onConnection` runs first on every connection, as with the lean handler. */
export function serveStockTrpcOn(
  wss: WebSocketServer,
  options: StockOptions,
  onConnection: (socket: WebSocket, req: IncomingMessage) => void,
): void {
  wss.on('connection', onConnection);
  // Liveness stays with ./heartbeat.ts (keepAlive off), as for the lean handler.
  applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ res, info }) => options.createContext(res, info.connectionParams),
    onError: ({ error, path, type }) => options.onError({ error, path, type }),
  });
}
