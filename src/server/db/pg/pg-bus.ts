// The hub's event bus across instances. Messages: every instance runs one tailer that reads `id > lastSeen` in id
// order and hands each message to its local listeners — woken by the pg_notify doorbell, after its LISTEN
// connection (re)connects, and every few seconds as a safety net, so a lost notification loses nothing. A local
// post only rings the tailer, so local and remote messages reach listeners in one order. Typing and presence
// travel as NOTIFY payloads (ephemeral, like on one instance), and so do announcements of saved settings. Other
// doorbells (the agents') share the LISTEN connection and the same safety net.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ActivityEvent } from '../../../shared/activity';
import type { MessageChange } from '../../../shared/message';
import type { Role } from '../../auth';
import type { Bus, BusListener, HubEvent } from '../../ports/bus';
import type { LocalPresence } from '../../ports/presence';
import type { SettingsSignal } from '../settings-signal';
import { CHANNELS } from './locks';
import { PgPresence } from './pg-presence';
import type { PgRepository } from './pg-repository';

const PAGE = 500;

export interface PgBusOptions {
  /** Safety-net read interval. */
  pollMs?: number;
  reconnectMs?: number;
}

export class PgBus implements Bus, SettingsSignal {
  readonly instanceId = randomUUID();
  private readonly listeners = new Set<BusListener>();
  private readonly settingListeners = new Set<(key: string | null) => void>();
  private listenedBefore = false;
  private lastSeen = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private listener: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly pollMs: number;
  private readonly reconnectMs: number;
  private presence: PgPresence | null = null;
  private readonly doorbells = new Map<string, Set<(payload?: string) => void>>();
  /** Roles of people who posted through this instance (HubEvent.posterRole), until the tailer delivers them. */
  private readonly posterRoles = new Map<number, Role>();

  constructor(
    private readonly repo: PgRepository,
    private readonly logger: Logger,
    private readonly onListenerError: (error: unknown) => void,
    options: PgBusOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 2000;
    this.reconnectMs = options.reconnectMs ?? 500;
  }

  /** Starts after the newest committed message: subscriptions replay older ones themselves (lastEventId). */
  async start(): Promise<void> {
    this.lastSeen = await this.repo.lastLogId();
    await this.connect();
    this.timer = setInterval(() => {
      this.poke();
      this.ringDoorbells();
    }, this.pollMs);
    this.timer.unref();
  }

  /**
   * Shares this instance's people with the others (heartbeat rows) and lists theirs in presence.list(); returns
   * how many connections a user has on the other instances (as of the last heartbeat).
   */
  attachPresence(presence: LocalPresence): (user: string) => number {
    const shared = new PgPresence(
      this.repo,
      this.instanceId,
      presence,
      (activity) => this.deliver({ type: 'activity', activity }),
      (err) => this.logger.warn({ err }, 'cluster presence failed'),
    );
    shared.start();
    this.presence = shared;
    return (user) => shared.connectionsElsewhere(user);
  }

  publish(event: HubEvent): void {
    if (event.type === 'activity' && event.activity.type === 'presence') this.presence?.beat();
    if (event.type === 'message') {
      // Committed already; the tailer delivers it in id order with everything other instances committed. The
      // poster's role (never stored) rides along to this instance's listeners only.
      if (event.posterRole) {
        this.posterRoles.set(event.message.id, event.posterRole);
        if (this.posterRoles.size > 1000)
          this.posterRoles.delete(this.posterRoles.keys().next().value as number);
      }
      this.poke();
      return;
    }
    // A change is in the log too: the tailer delivers it in id order, like a message.
    if (event.type === 'change') {
      this.poke();
      return;
    }
    this.deliver(event);
    const payload = JSON.stringify({ instance: this.instanceId, activity: event.activity });
    this.repo.pool.query('SELECT pg_notify($1, $2)', [CHANNELS.activity, payload]).catch((err) => {
      this.logger.warn({ err }, 'cluster bus: could not share activity');
    });
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` on each notification on `channel` (one of CHANNELS), after the LISTEN connection
   * (re)connects and on every safety-net tick: a doorbell heard late or never is made up for within pollMs.
   */
  /** `listener` gets the notification's payload (none for the periodic safety-net ring). */
  onDoorbell(channel: string, listener: (payload?: string) => void): () => void {
    const set = this.doorbells.get(channel) ?? new Set();
    this.doorbells.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  private ringDoorbells(channel?: string, payload?: string): void {
    for (const [name, set] of this.doorbells) {
      if (channel !== undefined && name !== channel) continue;
      for (const listener of set) {
        try {
          listener(payload);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
  }

  async announceSetting(key: string): Promise<void> {
    const payload = JSON.stringify({ instance: this.instanceId, key });
    await this.repo.pool.query('SELECT pg_notify($1, $2)', [CHANNELS.settings, payload]);
  }

  onSettingChanged(listener: (key: string | null) => void): () => void {
    this.settingListeners.add(listener);
    return () => this.settingListeners.delete(listener);
  }

  private settingChanged(key: string | null): void {
    for (const listener of this.settingListeners) {
      try {
        listener(key);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Reads whatever committed since the last read; concurrent pokes coalesce into one more read. */
  poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          await this.readNew();
        } catch (err) {
          // The safety net (or the next doorbell) retries from the same lastSeen: nothing is skipped.
          this.logger.warn({ err }, 'cluster bus: could not read new messages');
        }
      } while (this.again && !this.closed);
      this.reading = null;
    })();
  }

  private async readNew(): Promise<void> {
    while (!this.closed) {
      // Messages and changes share the log: both are delivered in one id order.
      const { messages, changes } = await this.repo.logAfter(this.lastSeen, PAGE);
      let c = 0;
      for (const message of messages) {
        while (c < changes.length && (changes[c] as MessageChange).id < message.id)
          this.deliverChange(changes[c++] as MessageChange);
        this.lastSeen = message.id;
        const posterRole = this.posterRoles.get(message.id);
        this.posterRoles.delete(message.id);
        this.deliver(posterRole ? { type: 'message', message, posterRole } : { type: 'message', message });
      }
      while (c < changes.length) this.deliverChange(changes[c++] as MessageChange);
      if (messages.length + changes.length < PAGE) return;
    }
  }

  private deliverChange(change: MessageChange): void {
    this.lastSeen = change.id;
    this.deliver({ type: 'change', change });
  }

  private deliver(event: HubEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.repo.handle.url });
    client.on('notification', (n) => {
      if (n.channel === CHANNELS.messages) this.poke();
      else if (n.channel === CHANNELS.activity && n.payload) this.onActivity(n.payload);
      else if (n.channel === CHANNELS.settings && n.payload) this.onSetting(n.payload);
      else this.ringDoorbells(n.channel, n.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      this.logger.warn({ err }, 'cluster bus: LISTEN connection failed; retrying');
      this.reconnect(client);
      return;
    }
    this.listener = client;
    // Anything committed (or rung) while we were not listening is read now, and saved settings are re-read.
    this.poke();
    this.ringDoorbells();
    if (this.listenedBefore) this.settingChanged(null);
    this.listenedBefore = true;
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.reconnectTimer || (this.listener !== client && this.listener !== null)) return;
    this.listener = null;
    client.end().catch(() => {});
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.reconnectMs);
  }

  private onActivity(payload: string): void {
    const parsed = this.fromOthers<{ activity?: ActivityEvent }>(payload);
    if (parsed?.activity) this.deliver({ type: 'activity', activity: parsed.activity });
  }

  private onSetting(payload: string): void {
    const parsed = this.fromOthers<{ key?: unknown }>(payload);
    if (typeof parsed?.key === 'string') this.settingChanged(parsed.key);
  }

  /** A JSON payload another instance sent, or null (unreadable, or our own). */
  private fromOthers<T>(payload: string): (T & { instance?: string }) | null {
    try {
      const parsed = JSON.parse(payload) as T & { instance?: string };
      return parsed.instance === this.instanceId ? null : parsed;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.presence?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
    await this.reading;
  }
}
