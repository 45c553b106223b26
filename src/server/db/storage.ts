// The one place that picks the database: DATABASE_URL=postgres://… selects PostgreSQL, anything else is a SQLite
// path. openStorage returns that dialect's bundle, chosen once; everything outside src/server/db takes what it needs
// from the bundle and never asks which dialect it talks to.
import type { Logger } from 'pino';
import type { Bus } from '../ports/bus';
import type { LeaderLease } from '../ports/leader-lease';
import type { LocalPresence } from '../ports/presence';
import type { RateLimiter } from '../ports/rate-limiter';
import type { AgentsDispatch } from './agents-dispatch';
import type { AgentsRepository } from './agents-repository';
import type { AuditRepository } from './audit-repository';
import type { ImportRepository } from './import-repository';
import { isPostgresUrl } from './pg/client';
import { openPgStorage } from './pg/pg-storage';
import type { ReadPositionsRepository } from './read-positions';
import type { Repository } from './repository';
import type { SettingsSignal } from './settings-signal';
import type { SqliteOptions } from './sqlite-repository';
import { openSqliteStorage } from './sqlite-storage';
import type { StatsRepository } from './stats-repository';
import type { TimelineSignal } from './timeline-signal';
import type { TransportRepository } from './transport-repository';

/** The roles only one instance may hold at a time. */
export type LeaderRole = 'agents' | 'telegram';

/**
 * What crosses instances: the hub's event bus and the signals that ride on it. Alone (SQLite) the bus is in process
 * and there is nobody to tell; on PostgreSQL it is the cluster bus.
 */
export interface Cluster {
  bus: Bus;
  /** How hire/fire/assign/stop made on any instance reach the one running the agents. */
  dispatch: AgentsDispatch;
  /** How a committed task timeline entry reaches tasks.onUpdate on every instance. */
  timeline: TimelineSignal;
  /** Announcements of saved settings between instances. */
  settings: SettingsSignal;
  /**
   * Lists the people connected to the other instances in `presence.list()`; returns how many connections a user has
   * on the other instances (none when alone).
   */
  sharePresence(presence: LocalPresence): (user: string) => number;
}

/** One database's repositories and the cluster parts that live in it; closing it closes all of them. */
export interface Storage {
  /** Messages, history, settings: the hub's repository. */
  readonly messages: Repository;
  readonly agents: AgentsRepository;
  readonly audit: AuditRepository;
  /** Per-hour counters and stored-reply figures for the admin statistics. */
  readonly stats: StatsRepository;
  /** For npm run import:original: one transaction holding a whole import of the Python version's data. */
  readonly import: ImportRepository;
  /** Each person's read position (users.markRead / readState). */
  readonly readPositions: ReadPositionsRepository;
  /** The Telegram bridge's storage; given the Telegram role's lease, its writes are fenced by it in a cluster. */
  transports(role?: LeaderLease): TransportRepository;
  /** A per-key send limit: in memory for one process, one shared bucket per key for a cluster. */
  limiter(burst: number, perSecond: number): RateLimiter;
  /** The lease on a role (one per role, the first call makes it); it resigns when the storage closes. */
  leader(role: LeaderRole, logger: Logger): LeaderLease;
  /** Joins the other instances: opened by the first call, which says where trouble is logged; closes with the storage. */
  connect(logger: Logger, onListenerError: (error: unknown) => void): Promise<Cluster>;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** Logs a SQLite writer or checkpointer thread that dies as it happens (health says so too). */
  logger?: Logger;
  sqlite?: SqliteOptions;
}

const opened = new WeakMap<Repository, Storage>();

export async function openStorage(url: string, options: StorageOptions = {}): Promise<Storage> {
  const storage = isPostgresUrl(url)
    ? await openPgStorage(url)
    : await openSqliteStorage(url, options.logger, options.sqlite ?? {});
  opened.set(storage.messages, storage);
  return storage;
}

/** The bundle a repository was opened with, for code handed only the repository (tests, benches). */
export function storageOf(repo: Repository): Storage {
  const storage = opened.get(repo);
  if (!storage)
    throw new Error('this repository was not opened by openStorage: open it with openStorage(url)');
  return storage;
}
