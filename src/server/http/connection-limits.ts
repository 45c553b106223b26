// Caps on open WebSocket connections per client IP (checked at the upgrade) and per signed-in user (checked
// once the connection says who it is, counting the user's connections on the other instances of a cluster too),
// and the sockets of each user, so revoking a user can drop them.
import type { IncomingMessage } from 'node:http';
import { closeThenDestroy } from './ws-close';

const isLoopbackPeer = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

export interface Closable {
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: string };

export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private readonly perUser = new Map<string, Set<Closable>>();

  constructor(
    readonly maxPerIp: number,
    readonly maxPerUser: number,
    /** The user's connections on other instances (a cluster shares them by heartbeat; none on one instance). */
    private readonly elsewhere: (user: string) => number = () => 0,
  ) {}

  /**
   * The client's address. A reverse proxy on the same host (deploy/nginx.conf) makes every peer 127.0.0.1, which
   * would put all people under one per-IP cap: from a loopback peer only, the address the proxy saw is trusted
   * (the last X-Forwarded-For entry, which the proxy appends itself, or X-Real-IP).
   */
  static ipOf(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!isLoopbackPeer(peer)) return peer;
    const forwarded = req.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
    const real = req.headers['x-real-ip'];
    return last || (typeof real === 'string' && real.trim()) || peer;
  }

  /** Counts one more connection from `ip`, or refuses it; `release` must run when that connection ends. */
  admitIp(ip: string): Admission {
    const open = this.perIp.get(ip) ?? 0;
    if (open >= this.maxPerIp)
      return {
        ok: false,
        reason: `too many connections from ${ip} (limit ${this.maxPerIp}, WS_MAX_CONNECTIONS_PER_IP)`,
      };
    this.perIp.set(ip, open + 1);
    return { ok: true, release: once(() => this.decrementIp(ip)) };
  }

  /** Registers a signed-in user's socket, or refuses it when that user already has the maximum open (anywhere). */
  admitUser(user: string, socket: Closable): Admission {
    const sockets = this.perUser.get(user) ?? new Set<Closable>();
    if (sockets.size + this.elsewhere(user) >= this.maxPerUser)
      return {
        ok: false,
        reason: `too many connections for ${user} (limit ${this.maxPerUser}): close a tab or another client`,
      };
    sockets.add(socket);
    this.perUser.set(user, sockets);
    return {
      ok: true,
      release: once(() => {
        sockets.delete(socket);
        if (sockets.size === 0 && this.perUser.get(user) === sockets) this.perUser.delete(user);
      }),
    };
  }

  ipConnections(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  userConnections(user: string): number {
    return this.perUser.get(user)?.size ?? 0;
  }

  /** Closes every socket of `user` (after a revocation); returns how many there were. */
  dropUser(user: string, reason: string): number {
    const sockets = [...(this.perUser.get(user) ?? [])];
    // 4003: the tRPC client reconnects, and the new connection is refused by its context (token revoked). A
    // client that ignores the close frame loses its socket after a short grace, not ws's 30 s.
    for (const socket of sockets) closeThenDestroy(socket, 4003, reason);
    return sockets.length;
  }

  private decrementIp(ip: string): void {
    const open = (this.perIp.get(ip) ?? 1) - 1;
    if (open <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, open);
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
