// Who is online: connection counts per person, plus extra sources (agents) registered by other modules.
import type { ActivityEvent, PresenceEntry } from '../../shared/activity';
import type { LocalPresence, PresenceSource } from '../ports/presence';

export class Presence implements LocalPresence {
  private readonly online = new Map<string, { connections: number; since: string }>();
  private readonly offline = new Map<string, string>();
  private readonly sources: PresenceSource[] = [];

  constructor(private readonly emit: (event: ActivityEvent) => void) {}

  /** Records one more connection for `user`; returns the function to call when it closes. */
  connect(user: string): () => void {
    const entry = this.online.get(user);
    const at = new Date().toISOString();
    if (entry) entry.connections += 1;
    else {
      this.online.set(user, { connections: 1, since: at });
      this.offline.delete(user);
      this.emit({ type: 'presence', user, kind: 'user', online: true, at });
    }
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.disconnect(user);
    };
  }

  private disconnect(user: string): void {
    const entry = this.online.get(user);
    if (!entry) return;
    entry.connections -= 1;
    if (entry.connections > 0) return;
    const at = new Date().toISOString();
    this.online.delete(user);
    this.offline.set(user, at);
    this.emit({ type: 'typing', user, isTyping: false, at });
    this.emit({ type: 'presence', user, kind: 'user', online: false, at });
  }

  addSource(source: PresenceSource): void {
    this.sources.push(source);
  }

  isOnline(user: string): boolean {
    return this.online.has(user);
  }

  get connectionCount(): number {
    let total = 0;
    for (const entry of this.online.values()) total += entry.connections;
    return total;
  }

  onlineUsers(): string[] {
    return [...this.online.keys()].sort();
  }

  list(): PresenceEntry[] {
    const people: PresenceEntry[] = [
      ...[...this.online].map(([name, e]) => ({
        name,
        kind: 'user' as const,
        online: true,
        connections: e.connections,
        since: e.since,
      })),
      ...[...this.offline].map(([name, since]) => ({
        name,
        kind: 'user' as const,
        online: false,
        connections: 0,
        since,
      })),
    ].sort((a, b) => a.name.localeCompare(b.name));
    const extra = this.sources.flatMap((source) => source());
    // Someone who left this instance but is online elsewhere (another instance) is listed once, as online.
    const elsewhere = new Set(extra.filter((e) => e.kind === 'user' && e.online).map((e) => e.name));
    return [...people.filter((p) => p.online || !elsewhere.has(p.name)), ...extra];
  }
}
