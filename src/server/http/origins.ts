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
