// Which browser origins may call us: CORS_ORIGINS, our own HTTP origin, and same-origin requests via a proxy.
import type { IncomingMessage } from 'node:http';
import { isLoopback } from '../config';

export function ownOrigins(host: string, port: number): string[] {
  const hosts = isLoopback(host) || host === '0.0.0.0' ? [host, 'localhost', '127.0.0.1', '[::1]'] : [host];
  return [...new Set(hosts)].map((h) => `http://${h}:${port}`);
}

export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(corsOrigins: string[], own: string[]) {
    this.allowed = new Set([...corsOrigins, ...own].map((o) => o.replace(/\/+$/, '').toLowerCase()));
  }

  /** CLIs send no Origin and are allowed; a browser origin must be listed or be the host it is talking to. */
  allows(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    const normalized = origin.toLowerCase();
    if (this.allowed.has(normalized)) return true;
    try {
      return new URL(normalized).host === req.headers.host?.toLowerCase();
    } catch {
      return false;
    }
  }

  /** For CORS response headers: only explicitly listed origins get them (same-origin needs none). */
  isListed(origin: string | undefined): origin is string {
    return origin !== undefined && this.allowed.has(origin.toLowerCase());
  }
}

/**
 * For requests that change something (POST, DELETE…): a browser's Origin must pass `allows`, as on the WebSocket.
 * Browsers send Origin on every such request; should one not, its Sec-Fetch-Site must say it came from our own
 * page or was typed by the person (none). CLIs send neither and are allowed.
 */
export function allowsWrite(origins: OriginPolicy, req: IncomingMessage): boolean {
  if (req.headers.origin !== undefined) return origins.allows(req);
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
