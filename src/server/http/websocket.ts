// tRPC over WebSocket: its own port, or `/ws` on the HTTP server when both ports are the same.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_PAYLOAD_BYTES, PING_MS } from '../limits';
import type { Services } from '../services';
import { LEGACY_PATH } from '../transports/legacy/legacy-transport';
import type { Context } from '../trpc/context';
import { noteUpgradeRequest, wsContextFactory } from '../trpc/context';
import { appRouter } from '../trpc/root';
import { ConnectionLimits } from './connection-limits';
import { reportError } from './error-report';
import { startHeartbeat } from './heartbeat';
import { HostPolicy } from './hosts';
import type { OriginPolicy } from './origins';
import { hostRefusal, urlRefusal } from './request-guard';
import { SERVER_OPTIONS } from './server';
import { DEFAULT_RPC_LIMITS, RECONNECT_NOTICE, type RpcErrorReport, serveTrpcOn } from './trpc-ws-connection';
import { serveStockTrpcOn } from './trpc-ws-stock';
import { isClientProtocolError } from './ws-client-errors';
import { wsEncoder } from './ws-encoder';

export interface WebSocketEndpoint {
  /** The HTTP server that owns the port (a dedicated one unless sharing the HTTP port). */
  server: Server;
  /** Asks every client to reconnect (used on SIGTERM), then closes their sockets. */
  shutdown(): Promise<void>;
}

export function createWebSocketEndpoint(
  services: Services,
  origins: OriginPolicy,
  options: { shareWith?: Server; path?: string; pingMs?: number },
): WebSocketEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  const rpc = {
    router: appRouter,
    encoder: wsEncoder,
    createContext: wsContextFactory(services),
    onError: ({ error, path }: RpcErrorReport) =>
      reportError(services, error, { err: error, path }, 'tRPC WebSocket procedure failed'),
    // Every call checks the revocation list, not only the connection's start: a revoked user's frames stop now.
    revoked: ({ user }: Context) =>
      user && services.revoked.has(user.id)
        ? new TRPCError({
            code: 'UNAUTHORIZED',
            message: `access revoked: ${user.id} was removed by an admin`,
          })
        : null,
    limits: {
      ...DEFAULT_RPC_LIMITS,
      maxBatch: services.config.WS_MAX_BATCH,
      maxPending: Math.max(DEFAULT_RPC_LIMITS.maxPending, services.config.WS_MAX_BATCH),
      maxBufferedBytes: services.hub.maxSocketBuffer,
      pauseAboveBytes: Math.min(DEFAULT_RPC_LIMITS.pauseAboveBytes, services.hub.maxSocketBuffer),
    },
  };
  // A client's broken frame (over maxPayload, bad UTF-8) is the client's failure: ws closes the socket (1009…).
  // One listener for every socket, not a closure each.
  const onSocketError = (err: Error) =>
    services.logger.debug(
      { err },
      isClientProtocolError(err) ? 'websocket client broke the protocol' : 'websocket error',
    );
  const prepare = (socket: WebSocket, req: IncomingMessage) => {
    socket.on('error', onSocketError);
    noteUpgradeRequest(socket, req);
  };
  if (services.config.WS_HANDLER === 'trpc') {
    services.logger.warn(
      'WS_HANDLER=trpc: tRPC over WebSocket is served by tRPC’s applyWSSHandler, without the per-connection limits and per-call revocation check of the default handler',
    );
    serveStockTrpcOn(wss, rpc, prepare);
  } else serveTrpcOn(wss, rpc, prepare);
  const stopHeartbeat = startHeartbeat(wss, options.pingMs ?? PING_MS);

  const hosts = new HostPolicy(services.config);
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = hostRefusal(hosts, req) ?? urlRefusal(req);
    if (refusal) {
      services.logger.debug({ status: refusal.status, host: req.headers.host }, refusal.message);
      const reason = refusal.status === 421 ? 'Misdirected Request' : 'Bad Request';
      socket.end(
        `HTTP/1.1 ${refusal.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(refusal.message)}\r\n\r\n${refusal.message}`,
      );
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const legacy = path === LEGACY_PATH;
    if (options.path && path !== options.path && !legacy) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!origins.allows(req)) {
      services.logger.warn({ origin: req.headers.origin }, 'websocket refused: origin not allowed');
      const body = 'Origin not allowed: add it to CORS_ORIGINS';
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    const ip = ConnectionLimits.ipOf(req);
    // Counted until the TCP socket closes: it outlives every protocol on it, the one event both endpoints share.
    const refused = services.connections.holdIp(ip, socket);
    if (refused) {
      services.logger.warn({ ip }, 'websocket refused: too many connections from this address');
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(refused)}\r\n\r\n${refused}`,
      );
      return;
    }
    // Old clients of the previous server speak plain JSON on /legacy (see transports/legacy).
    if (legacy) return services.transports.legacy.handleUpgrade(req, socket, head);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  const server =
    options.shareWith ??
    createServer(SERVER_OPTIONS, (_req, res) => {
      res
        .writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
        .end('Upgrade to WebSocket here');
    });
  server.on('upgrade', handleUpgrade);

  return {
    server,
    async shutdown() {
      stopHeartbeat();
      const notice = wsEncoder.encode(RECONNECT_NOTICE);
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(notice);
      for (const client of wss.clients) client.close(1012, 'server restarting');
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
