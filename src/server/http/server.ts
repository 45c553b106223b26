// The HTTP server: CORS, tRPC over HTTP at /trpc, REST compatibility routes, then the static client.
import { createServer, type Server } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Services } from '../services';
import { httpContextFactory } from '../trpc/context';
import { appRouter } from '../trpc/root';
import { CLIENT_CONFIG_PATH, serveClientConfig, type WebSocketLocation } from './client-config';
import { METRICS_PATH, serveMetrics } from './metrics-route';
import type { OriginPolicy } from './origins';
import { handleRest } from './rest';
import { serveStatic } from './static';

export function createHttpServer(
  services: Services,
  origins: OriginPolicy,
  clientDir: string,
  wsLocation: () => WebSocketLocation = () => ({ port: null, path: '/ws' }),
): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: httpContextFactory(services),
    maxBodySize: 64 * 1024,
    onError: ({ error, path }) => {
      services.metrics.recordError(error.code);
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        services.counters.errors += 1;
        services.logger.error({ err: error, path }, 'tRPC HTTP procedure failed');
      }
    },
  });

  return createServer((req, res) => {
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
    if (req.url?.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    if (req.method === 'GET' && req.url?.split('?')[0] === METRICS_PATH) {
      serveMetrics(services, res);
      return;
    }
    if (req.method === 'GET' && req.url?.split('?')[0] === CLIENT_CONFIG_PATH) {
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
