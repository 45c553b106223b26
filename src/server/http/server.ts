// The HTTP server: request guards (Host, URL, Origin/content type), CORS, tRPC over HTTP at /trpc, REST
// compatibility routes, then the static client.
import { createServer, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { MAX_PAYLOAD_BYTES } from '../limits';
import type { Services } from '../services';
import { httpContextFactory } from '../trpc/context';
import { appRouter } from '../trpc/root';
import { CLIENT_CONFIG_PATH, serveClientConfig, type WebSocketLocation } from './client-config';
import { reportError } from './error-report';
import { HostPolicy } from './hosts';
import { sendJson } from './json';
import { METRICS_PATH, serveMetrics } from './metrics-route';
import type { OriginPolicy } from './origins';
import { decodedPath, hostRefusal, type Refusal, urlRefusal, writeRefusal } from './request-guard';
import { handleRest } from './rest';
import { serveStatic } from './static';

/**
 * A client that sends its request head slowly (or never finishes it) is cut after HEADERS_TIMEOUT_MS: thousands of
 * half-sent upgrade requests must not hold sockets for Node's default 60 s. Node 20 only looks every
 * connectionsCheckingInterval (30 s by default), so that is shortened too. The WebSocket port uses the same.
 */
export const HEADERS_TIMEOUT_MS = 5_000;
export const SERVER_OPTIONS: ServerOptions = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  // A whole request (head and a 64 KiB body at most); upgraded WebSockets are not requests any more.
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
};

function refuse(res: ServerResponse, refusal: Refusal): void {
  sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
}

export function createHttpServer(
  services: Services,
  origins: OriginPolicy,
  clientDir: string,
  wsLocation: () => WebSocketLocation = () => ({ port: null, path: '/ws' }),
): Server {
  const hosts = new HostPolicy(services.config);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: httpContextFactory(services),
    maxBodySize: MAX_PAYLOAD_BYTES,
    onError: ({ error, path }) =>
      reportError(services, error, { err: error, path }, 'tRPC HTTP procedure failed'),
  });

  return createServer(SERVER_OPTIONS, (req, res) => {
    const refusal = hostRefusal(hosts, req) ?? urlRefusal(req);
    if (refusal) {
      // A client's mistake or a probe, not ours: nothing for the error log.
      services.logger.debug({ status: refusal.status, host: req.headers.host }, refusal.message);
      refuse(res, refusal);
      return;
    }
    const origin = req.headers.origin;
    if (origins.isListed(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-allow-headers', 'content-type, authorization, x-user-id, trpc-accept');
      res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('access-control-max-age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(origins.isListed(origin) ? 204 : 403).end();
      return;
    }
    const writeRefused = writeRefusal(origins, req);
    if (writeRefused) {
      services.logger.debug({ origin, method: req.method, url: req.url }, 'HTTP write refused');
      refuse(res, writeRefused);
      return;
    }
    if (req.url?.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    const path = decodedPath(req);
    if (req.method === 'GET' && path === METRICS_PATH) {
      serveMetrics(services, req, res).catch((error) => {
        services.logger.error({ err: error }, 'metrics request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (req.method === 'GET' && path === CLIENT_CONFIG_PATH) {
      serveClientConfig(services, wsLocation, req, res);
      return;
    }
    handleRest(services, req, res)
      .then((handled) => {
        if (!handled) serveStatic(clientDir, req, res);
      })
      .catch((error) => {
        services.logger.error({ err: error }, 'HTTP request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
}
