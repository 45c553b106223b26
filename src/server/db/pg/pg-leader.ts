// Exactly one holder of a singleton role across instances: pg_try_advisory_lock on a dedicated connection (not
// a pooled one), retried every few seconds by the others. The lock dies with its connection, so when the leader
// dies another instance takes over on its next try; a leader that loses its connection resigns at once. Writes
// that must not come from a stale leader go through the lock connection, fenced (see `fenced`).
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import { type LeaderLease, RoleLostError } from '../../ports/leader-lease';
import type { PgDb, PgTx } from './client';

/** application_name of a lock connection: `ocs-leader-<role>` (pg_stat_activity, tests). */
export const leaderApplicationName = (role: string) => `ocs-leader-${role}`;

export class PgLeader implements LeaderLease {
  private client: pg.Client | null = null;
  /** drizzle over the lock connection while this instance leads. */
  private lockDb: PgDb | null = null;
  /** Fenced work runs one at a time: a pg.Client carries one transaction at a time. */
  private fencing: Promise<unknown> = Promise.resolve();
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lead: (() => Promise<void>) | null = null;
  private resign: (() => Promise<void>) | null = null;
  private transition: Promise<void> = Promise.resolve();
  readonly shared = true;

  constructor(
    private readonly url: string,
    private readonly key: number,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly retryMs = 2000,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries at once, then every retryMs until this instance holds the role; `lead` runs while it holds it. */
  async run(lead: () => Promise<void>, resign: () => Promise<void>): Promise<void> {
    this.lead = lead;
    this.resign = resign;
    await this.attempt();
  }

  private async attempt(): Promise<void> {
    if (this.closed || this.leading) return;
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: leaderApplicationName(this.name),
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      const result = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.key]);
      if (result.rows[0]?.ok && !this.closed) {
        this.client = client;
        this.lockDb = drizzle(client);
        this.leading = true;
        this.logger.info({ role: this.name }, 'leader: this instance holds the role');
        this.transition = this.transition.then(() => this.lead?.());
        await this.transition;
        return;
      }
    } catch (err) {
      this.logger.warn({ err, role: this.name }, 'leader: could not try the lock');
    }
    client.removeAllListeners('end');
    await client.end().catch(() => {});
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, this.retryMs);
    this.timer.unref();
  }

  /**
   * Fencing: runs `write` in one transaction on the lock connection, and only while that backend still holds the
   * lock. A stale leader — its connection cut, its process paused past a takeover — cannot commit it: the
   * transaction fails with the connection, or the pg_locks check refuses it. Either way it throws RoleLostError
   * and this instance resigns at once.
   */
  fenced<T>(write: (tx: PgTx) => Promise<T>): Promise<T> {
    return this.onLockConnection((db) =>
      db.transaction(async (tx) => {
        await this.assertHeld(tx);
        return write(tx);
      }),
    );
  }

  /** The same check alone: before something that cannot be taken back (a Telegram send). */
  confirm(): Promise<void> {
    return this.onLockConnection((db) => this.assertHeld(db));
  }

  private async assertHeld(db: PgDb | PgTx): Promise<void> {
    // A session-level advisory lock on one bigint key shows in pg_locks as classid (high half), objid (low half),
    // objsubid 1.
    const result = await db.execute<{ held: boolean }>(sql`
      SELECT EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 1
          AND ((classid::bigint << 32) | objid::bigint) = ${this.key}
      ) AS held`);
    if (!result.rows[0]?.held) throw new RoleLostError(this.name);
  }

  private onLockConnection<T>(step: (db: PgDb) => Promise<T>): Promise<T> {
    const run = this.fencing.then(async () => {
      const client = this.client;
      const db = this.lockDb;
      if (!client || !db) throw new RoleLostError(this.name);
      try {
        return await step(db);
      } catch (error) {
        if (!lockLost(error)) throw error;
        this.fenceTripped(client);
        throw error instanceof RoleLostError ? error : new RoleLostError(this.name, { cause: error });
      }
    });
    this.fencing = run.catch(() => {});
    return run;
  }

  /** The lock is gone while this instance thought it led: resign, drop the connection, compete again later. */
  private fenceTripped(client: pg.Client): void {
    if (client !== this.client) return;
    this.logger.warn({ role: this.name }, 'leader: the lock is no longer held (fenced write refused)');
    this.lost(client);
    client.removeAllListeners('end');
    void client.end().catch(() => {});
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = null;
    this.lockDb = null;
    if (this.leading) {
      this.leading = false;
      this.logger.warn({ role: this.name }, 'leader: lock connection lost; resigning');
      this.transition = this.transition.then(() => this.resign?.()).catch(() => {});
    }
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.transition.catch(() => {});
    if (this.leading) {
      this.leading = false;
      // Still on the lock: what the role writes while it winds down is fenced as usual.
      await this.resign?.();
    }
    const client = this.client;
    this.client = null;
    this.lockDb = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

/**
 * Whether a failure on the lock connection means the lock may be gone: the fence refused, or the connection broke
 * (no SQLSTATE, or class 08 connection exception / 57 operator intervention such as pg_terminate_backend).
 * An ordinary SQL error leaves the lock held.
 */
function lockLost(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof RoleLostError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return /^(08|57)/.test(code);
    if (!(e as { cause?: unknown }).cause) return true;
  }
  return true;
}
