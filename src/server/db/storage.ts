// The one place that picks the database: DATABASE_URL=postgres://… selects PostgreSQL, anything else is a SQLite
// path. Everything outside src/server/db gets its repositories here and never asks which dialect it talks to.
import type { Logger } from 'pino';
import { type Bus, InProcessBus } from '../ports/bus';
import type { LocalPresence } from '../ports/presence';
import { type RateLimiter, TokenBucketLimiter } from '../ports/rate-limiter';
import { type AgentsDispatch, SoleDispatch } from './agents-dispatch';
import type { AgentsRepository } from './agents-repository';
import type { AuditRepository } from './audit-repository';
import type { ImportRepository } from './import-repository';
import { isPostgresUrl } from './pg/client';
import { LOCKS } from './pg/locks';
import { PgAgentsDispatch } from './pg/pg-agents-dispatch';
import { PgAgentsRepository } from './pg/pg-agents-repository';
import { PgAuditRepository } from './pg/pg-audit-repository';
import { PgBus } from './pg/pg-bus';
import { PgImportRepository } from './pg/pg-import-repository';
import { PgLeader } from './pg/pg-leader';
import { PgRateLimiter } from './pg/pg-rate-limiter';
import { PgReadPositions } from './pg/pg-read-positions';
import { PgRepository } from './pg/pg-repository';
import { PgStatsRepository } from './pg/pg-stats-repository';
import { PgTimelineSignal } from './pg/pg-timeline-signal';
import { PgTransportRepository } from './pg/pg-transport-repository';
import type { ReadPositionsRepository } from './read-positions';
import { createReadPositions as sqliteReadPositions } from './read-positions-sqlite';
import type { Repository } from './repository';
import { type SettingsSignal, SOLE_INSTANCE_SIGNAL } from './settings-signal';
import { type Singleton, SoleInstance } from './singleton';
import { createAgentsRepository as sqliteAgents } from './sqlite-agents-repository';
import { createAuditRepository as sqliteAudit } from './sqlite-audit-repository';
import { SqliteImportRepository } from './sqlite-import-repository';
import { type SqliteOptions, SqliteRepository } from './sqlite-repository';
import { createStatsRepository as sqliteStats } from './sqlite-stats-repository';
import { SqliteTransportRepository } from './sqlite-transport-repository';
import type { StatsRepository } from './stats-repository';
import { SOLE_TIMELINE_SIGNAL, type TimelineSignal } from './timeline-signal';
import type { TransportRepository } from './transport-repository';

/** With a logger, a SQLite writer or checkpointer thread that dies is logged as it happens (health says so too). */
export async function openRepository(
  url: string,
  logger?: Logger,
  sqlite: SqliteOptions = {},
): Promise<Repository> {
  if (isPostgresUrl(url)) return PgRepository.open(url);
  const repo = SqliteRepository.open(url, sqlite);
  repo.onFailure((err) => logger?.fatal({ err }, 'database thread stopped'));
  try {
    await repo.ready();
  } catch (error) {
    await repo.close();
    throw error;
  }
  return repo;
}

export function agentsRepositoryFor(repo: Repository): AgentsRepository {
  return repo instanceof PgRepository ? new PgAgentsRepository(repo.database) : sqliteAgents(repo);
}

/** Given the Telegram role, the bridge's writes are fenced by it (only its holder may write, in a cluster). */
export function transportRepositoryFor(repo: Repository, role?: Singleton): TransportRepository {
  if (!(repo instanceof PgRepository)) return new SqliteTransportRepository((repo as SqliteRepository).database);
  return new PgTransportRepository(repo.database, role instanceof PgLeader ? role : null);
}

/** The per-user send limit: in memory for one process, a shared bucket in PostgreSQL for a cluster. */
export function rateLimiterFor(repo: Repository, burst: number, perSecond: number): RateLimiter {
  return repo instanceof PgRepository
    ? new PgRateLimiter(repo.pool, burst, perSecond)
    : new TokenBucketLimiter(burst, perSecond);
}

/** For npm run import:original: one transaction holding a whole import of the Python version's data. */
export function importRepositoryFor(repo: Repository): ImportRepository {
  if (repo instanceof PgRepository) return new PgImportRepository(repo.pool);
  if (repo instanceof SqliteRepository) return new SqliteImportRepository(repo.database);
  throw new Error('import: this repository has no import implementation');
}

/** Per-hour counters and stored-reply figures for the admin statistics (shared by every instance on PostgreSQL). */
export function statsRepositoryFor(repo: Repository): StatsRepository {
  return repo instanceof PgRepository ? new PgStatsRepository(repo.database) : sqliteStats(repo);
}

export function auditRepositoryFor(repo: Repository): AuditRepository {
  return repo instanceof PgRepository ? new PgAuditRepository(repo.database) : sqliteAudit(repo);
}

/** Each person's read position (users.markRead / readState), on the chat database. */
export function readPositionsFor(repo: Repository): ReadPositionsRepository {
  if (repo instanceof PgRepository) return new PgReadPositions(repo.pool);
  if (repo instanceof SqliteRepository) return sqliteReadPositions(repo.database);
  throw new Error('read positions: this repository has no implementation');
}

/**
 * The hub's event bus. On SQLite, in process. On PostgreSQL, the cluster bus: messages committed by any instance
 * reach this one's listeners in id order, and typing/presence cross instances. It closes with the repository.
 */
export async function busFor(
  repo: Repository,
  logger: Logger,
  onListenerError: (error: unknown) => void,
): Promise<Bus> {
  if (!(repo instanceof PgRepository)) return new InProcessBus(onListenerError);
  const bus = new PgBus(repo, logger, onListenerError);
  await bus.start();
  repo.onClose(() => bus.close());
  return bus;
}

/** One holder across instances of a singleton role; closes (resigning) with the repository. */
export function singletonFor(repo: Repository, role: 'agents' | 'telegram', logger: Logger): Singleton {
  if (!(repo instanceof PgRepository)) return new SoleInstance();
  const leader = new PgLeader(repo.handle.url, LOCKS[role], role, logger);
  repo.onClose(() => leader.close());
  return leader;
}

/** How hire/fire/assign/stop made on any instance reach the one running the agents (nothing to do when alone). */
export function agentsDispatchFor(repo: Repository, bus: Bus): AgentsDispatch {
  return repo instanceof PgRepository && bus instanceof PgBus
    ? new PgAgentsDispatch(repo, bus)
    : new SoleDispatch();
}

/** How a committed task timeline entry reaches tasks.onUpdate on every instance (published directly when alone). */
export function timelineSignalFor(repo: Repository, bus: Bus): TimelineSignal {
  return repo instanceof PgRepository && bus instanceof PgBus
    ? new PgTimelineSignal(repo, bus)
    : SOLE_TIMELINE_SIGNAL;
}

/** Announcements of saved settings between instances (on the cluster bus; nobody to tell on one instance). */
export function settingsSignalFor(bus: Bus): SettingsSignal {
  return bus instanceof PgBus ? bus : SOLE_INSTANCE_SIGNAL;
}

/**
 * With several instances, presence.list() includes people connected to the others; returns how many connections a
 * user has on the other instances (none on one instance).
 */
export function sharePresence(bus: Bus, presence: LocalPresence): (user: string) => number {
  return bus instanceof PgBus ? bus.attachPresence(presence) : () => 0;
}
