// Who may see how the server runs (the detailed /health, /metrics): admins, a scraper holding METRICS_TOKEN, and
// in open mode a caller on this machine talking to the server directly. Everyone else gets the public view.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { User } from '../auth';
import type { Config } from '../config';

const LOOPBACK_PEER = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * A request from this machine that no proxy forwarded. In open mode (loopback bind) that is everyone but the
 * people a local proxy (deploy/nginx.conf) lets in from elsewhere, whom it marks with its forwarding headers.
 */
export function isDirectLoopback(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const h = req.headers;
  return LOOPBACK_PEER.test(peer) && !h['x-forwarded-for'] && !h.forwarded && !h['x-real-ip'];
}

/** Compared in constant time: the scrape token is a password. */
export function isMetricsToken(config: Pick<Config, 'METRICS_TOKEN'>, bearer: string | undefined): boolean {
  const expected = config.METRICS_TOKEN;
  if (!expected || !bearer) return false;
  const a = Buffer.from(bearer);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Token mode: role admin, or the scrape token. Open mode has no roles worth the name (anyone may claim any), so
 * there the line is drawn at the machine: a direct loopback caller, or the scrape token.
 */
export function isOperator(
  config: Pick<Config, 'AUTH_SECRET' | 'METRICS_TOKEN'>,
  user: User | null,
  request: { bearer?: string; directLoopback: boolean },
): boolean {
  if (isMetricsToken(config, request.bearer)) return true;
  if (config.AUTH_SECRET) return user?.role === 'admin';
  return user !== null && request.directLoopback;
}
