// Caps on open WebSocket connections per client IP (checked at the upgrade) and per signed-in user (checked
// once the connection says who it is, counting the user's connections on the other instances of a cluster too),
// and the sockets of each user, so revoking a user can drop them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { closeThenDestroy } from './ws-close';

const isLoopbackPeer = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

export interface Closable {
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: string };

/** The address a held socket is counted under (a property, not a closure per socket: see holdIp). */
const COUNTED_IP = Symbol('counted ip');
type Counted = Duplex & { [COUNTED_IP]?: string | undefined };

export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  /** A user's sockets: most people have one, held as is; a Set only from their second on. */
  private readonly perUser = new Map<string, Closable | Set<Closable>>();
  /** The 'close' listener of every socket holdIp counted: one function for all of them. */
  private readonly releaseHeld: (this: Counted) => void;

  constructor(
    readonly maxPerIp: number,
    readonly maxPerUser: number,
    /** The user's connections on other instances (a cluster shares them by heartbeat; none on one instance). */
    private readonly elsewhere: (user: string) => number = () => 0,
  ) {
    const limits = this;
    this.releaseHeld = function (this: Counted) {
      const ip = this[COUNTED_IP];
      if (ip === undefined) return;
      this[COUNTED_IP] = undefined;
      limits.decrementIp(ip);
    };
  }

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

  /**
   * Counts one more connection from `ip` on its TCP socket until that socket closes: null when admitted, else why
   * not. The count rides on the socket and one shared listener releases it, where a release closure would cost
   * ~200 bytes per connection (it matters at 100k idle connections).
   */
  holdIp(ip: string, socket: Duplex): string | null {
    const open = this.perIp.get(ip) ?? 0;
    if (open >= this.maxPerIp)
      return `too many connections from ${ip} (limit ${this.maxPerIp}, WS_MAX_CONNECTIONS_PER_IP)`;
    this.perIp.set(ip, open + 1);
    (socket as Counted)[COUNTED_IP] = ip;
    socket.on('close', this.releaseHeld);
    return null;
  }

  /** Registers a signed-in user's socket, or refuses it when that user already has the maximum open (anywhere). */
  admitUser(user: string, socket: Closable): Admission {
    const held = this.perUser.get(user);
    if (this.userConnections(user) + this.elsewhere(user) >= this.maxPerUser)
      return {
        ok: false,
        reason: `too many connections for ${user} (limit ${this.maxPerUser}): close a tab or another client`,
      };
    if (held === undefined) this.perUser.set(user, socket);
    else if (held instanceof Set) held.add(socket);
    else this.perUser.set(user, new Set([held, socket]));
    // Forgetting is idempotent, so release needs no once() wrapper (a closure and a context less per connection).
    return { ok: true, release: () => this.forget(user, socket) };
  }

  ipConnections(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  userConnections(user: string): number {
    const held = this.perUser.get(user);
    return held === undefined ? 0 : held instanceof Set ? held.size : 1;
  }

  /** Closes every socket of `user` (after a revocation); returns how many there were. */
  dropUser(user: string, reason: string): number {
    const held = this.perUser.get(user);
    const sockets = held === undefined ? [] : held instanceof Set ? [...held] : [held];
    // 4003: the tRPC client reconnects, and the new connection is refused by its context (token revoked). A
    // client that ignores the close frame loses its socket after a short grace, not ws's 30 s.
    for (const socket of sockets) closeThenDestroy(socket, 4003, reason);
    return sockets.length;
  }

  private forget(user: string, socket: Closable): void {
    const held = this.perUser.get(user);
    if (held === socket) this.perUser.delete(user);
    else if (held instanceof Set) {
      held.delete(socket);
      if (held.size === 0) this.perUser.delete(user);
    }
  }

  private decrementIp(ip: string): void {
    const open = (this.perIp.get(ip) ?? 1) - 1;
    if (open <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, open);
  }
}
