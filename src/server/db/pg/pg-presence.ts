// Presence across instances: each instance writes heartbeat rows for the people connected to it (expiring a few
// seconds later), reads the other instances' live rows for presence.list(), and announces people of an instance
// that stopped beating (it died) as offline, so nobody stays online for ever.
import type { ActivityEvent, PresenceEntry } from '../../../shared/activity';
import type { LocalPresence } from '../../ports/presence';
import type { PgRepository } from './pg-repository';

export interface PgPresenceOptions {
  heartbeatMs?: number;
  /** A row not refreshed for this long no longer counts. */
  ttlMs?: number;
}

export class PgPresence {
  private remote = new Map<string, { connections: number; since: string }>();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;

  constructor(
    private readonly repo: PgRepository,
    private readonly instanceId: string,
    private readonly presence: LocalPresence,
    /** Delivers an event to this instance's listeners only (every instance reaches the same verdict itself). */
    private readonly emitLocal: (activity: ActivityEvent) => void,
    private readonly onError: (error: unknown) => void,
    options: PgPresenceOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.ttlMs = options.ttlMs ?? 3 * this.heartbeatMs;
  }

  start(): void {
    this.presence.addSource(() => this.entries());
    this.beat();
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Called when a local person connects or leaves, so other instances need not wait for the next beat. */
  beat(): void {
    if (this.beating) return;
    this.beating = this.heartbeat()
      .catch(this.onError)
      .finally(() => {
        this.beating = null;
      });
  }

  /** The user's connections on the other instances, as of this instance's last heartbeat. */
  connectionsElsewhere(user: string): number {
    return this.remote.get(user)?.connections ?? 0;
  }

  private entries(): PresenceEntry[] {
    return [...this.remote]
      .filter(([name]) => !this.presence.isOnline(name))
      .map(([name, e]) => ({
        name,
        kind: 'user' as const,
        online: true,
        connections: e.connections,
        since: e.since,
      }));
  }

  private async heartbeat(): Promise<void> {
    const local = this.presence
      .list()
      .filter((p) => p.kind === 'user' && p.online && this.presence.isOnline(p.name));
    const client = await this.repo.pool.connect();
    let rows: { user_id: string; connections: number; since: string }[];
    try {
      await client.query('BEGIN');
      await client.query(
        'DELETE FROM cluster_presence WHERE instance_id = $1 AND NOT (user_id = ANY($2::text[]))',
        [this.instanceId, local.map((p) => p.name)],
      );
      if (local.length > 0)
        await client.query(
          `INSERT INTO cluster_presence (instance_id, user_id, connections, since, expires_at)
           SELECT $1, u, c, s, now() + make_interval(secs => $5::double precision / 1000)
           FROM unnest($2::text[], $3::int[], $4::text[]) AS t(u, c, s)
           ON CONFLICT (instance_id, user_id)
           DO UPDATE SET connections = excluded.connections, expires_at = excluded.expires_at`,
          [
            this.instanceId,
            local.map((p) => p.name),
            local.map((p) => p.connections),
            local.map((p) => p.since),
            this.ttlMs,
          ],
        );
      await client.query("DELETE FROM cluster_presence WHERE expires_at < now() - interval '1 minute'");
      await client.query('COMMIT');
      const result = await client.query<{ user_id: string; connections: number; since: string }>(
        `SELECT user_id, sum(connections)::int AS connections, min(since) AS since FROM cluster_presence
         WHERE instance_id <> $1 AND expires_at > now() GROUP BY user_id`,
        [this.instanceId],
      );
      rows = result.rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const next = new Map(rows.map((r) => [r.user_id, { connections: r.connections, since: r.since }]));
    const at = new Date().toISOString();
    for (const user of this.remote.keys()) {
      if (next.has(user) || this.presence.isOnline(user)) continue;
      // Gone from every other instance without a goodbye (its instance died), and not here either.
      this.emitLocal({ type: 'typing', user, isTyping: false, at });
      this.emitLocal({ type: 'presence', user, kind: 'user', online: false, at });
    }
    this.remote = next;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async close(): Promise<void> {
    this.stop();
    await this.beating;
    await this.repo.pool
      .query('DELETE FROM cluster_presence WHERE instance_id = $1', [this.instanceId])
      .catch(() => {});
  }
}
