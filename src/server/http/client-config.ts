// GET /config.json: what the web client needs at run time (WebSocket location, auth mode), so a built client
// moves between hosts and proxies without a rebuild.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services';

export const CLIENT_CONFIG_PATH = '/config.json';

/** Where the tRPC WebSocket listens, known only after listen (port 0 in tests). */
export interface WebSocketLocation {
  /** Port of the dedicated WebSocket server; null when it shares the HTTP port (then it is on `/ws`). */
  port: number | null;
  path: string;
}

export interface ClientConfig {
  authMode: 'open' | 'token';
  /**
   * `sameOrigin`: connect to `path` on the host the page came from (one port, or a reverse proxy routing `/ws`).
   * Otherwise connect to `port` on the page's hostname.
   */
  ws: { sameOrigin: true; path: string } | { sameOrigin: false; port: number; path: string };
}

/** Behind a reverse proxy (or the Vite dev proxy) only the page's own origin is reachable: use `/ws` there. */
const viaProxy = (req: IncomingMessage) =>
  Boolean(req.headers['x-forwarded-host'] || req.headers['x-forwarded-for'] || req.headers.forwarded);

export function clientConfig(services: Services, ws: WebSocketLocation, req: IncomingMessage): ClientConfig {
  const authMode = services.config.AUTH_SECRET ? 'token' : 'open';
  if (ws.port === null || viaProxy(req)) return { authMode, ws: { sameOrigin: true, path: '/ws' } };
  return { authMode, ws: { sameOrigin: false, port: ws.port, path: ws.path } };
}

export function serveClientConfig(
  services: Services,
  ws: () => WebSocketLocation,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const body = JSON.stringify(clientConfig(services, ws(), req));
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
