// Which Host names the server answers to (DNS rebinding): loopback names, IP literals, HOST and ALLOWED_HOSTS.
// A page on evil.example whose name an attacker re-points at 127.0.0.1 sends `Host: evil.example` and is refused.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Config } from '../config';

/** Splits "name:port" / "[v6]:port"; the name lower-cased, without a trailing dot. */
function parseHost(header: string): { name: string; port: string | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match?.[1]) return null;
  return { name: match[1].toLowerCase().replace(/\.$/, ''), port: match[2] ?? null };
}

const isLoopbackName = (name: string) => name === 'localhost' || name.endsWith('.localhost');
/** Reached by address, not by name: no DNS answer to re-point, so nothing to rebind. */
const isIpLiteral = (name: string) => isIP(name.replace(/^\[|\]$/g, '')) !== 0;

export class HostPolicy {
  private readonly any: boolean;
  /** Entries "name" (any port) or "name:port". */
  private readonly names = new Set<string>();

  constructor(config: Pick<Config, 'HOST' | 'WEBSOCKET_HOST' | 'ALLOWED_HOSTS'>) {
    this.any = config.ALLOWED_HOSTS.includes('*');
    for (const entry of [config.HOST, config.WEBSOCKET_HOST, ...config.ALLOWED_HOSTS]) {
      if (!entry || entry === '*') continue;
      const parsed = isIP(entry) === 6 ? { name: `[${entry}]`, port: null } : parseHost(entry);
      if (parsed) this.names.add(parsed.port ? `${parsed.name}:${parsed.port}` : parsed.name);
    }
  }

  /** HTTP/1.0 without a Host header is let through: every browser sends one, so no page can be behind it. */
  allows(req: IncomingMessage): boolean {
    const header = req.headers.host;
    if (this.any || header === undefined) return true;
    const host = parseHost(header);
    if (!host) return false;
    const { name, port } = host;
    return (
      isLoopbackName(name) ||
      isIpLiteral(name) ||
      this.names.has(name) ||
      (port !== null && this.names.has(`${name}:${port}`))
    );
  }
}

export const MISDIRECTED_BODY =
  'This server does not answer to that host name: add it to ALLOWED_HOSTS (e.g. ALLOWED_HOSTS=chat.example.com)';
