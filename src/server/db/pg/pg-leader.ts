// Exactly one holder of a singleton role across instances: pg_try_advisory_lock on a dedicated connection (not
// a pooled one), retried every few seconds by the others. The lock dies with its connection, so when the leader
// dies another instance takes over on its next try; a leader that loses its connection resigns at once.
import pg from 'pg';
import type { Logger } from 'pino';
import type { Singleton } from '../singleton';

export class PgLeader implements Singleton {
  private client: pg.Client | null = null;
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
    const client = new pg.Client({ connectionString: this.url, keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      const result = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.key]);
      if (result.rows[0]?.ok && !this.closed) {
        this.client = client;
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

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = null;
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
    const client = this.client;
    this.client = null;
    if (this.leading) {
      this.leading = false;
      await this.resign?.();
    }
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
