// The SQLite storage bundle: every repository on the one database connection, and the single-process stand-ins for
// what a cluster shares (an in-process bus, in-memory send limits, a leader that is always this process).
import type { Logger } from 'pino';
import { InProcessBus } from '../ports/bus';
import { type LeaderLease, SoleInstance } from '../ports/leader-lease';
import { TokenBucketLimiter } from '../ports/rate-limiter';
import { SoleDispatch } from './agents-dispatch';
import { createReadPositions } from './read-positions-sqlite';
import { SOLE_INSTANCE_SIGNAL } from './settings-signal';
import { SqliteAgentsRepository } from './sqlite-agents-repository';
import { SqliteAuditRepository } from './sqlite-audit-repository';
import { SqliteImportRepository } from './sqlite-import-repository';
import { type SqliteOptions, SqliteRepository } from './sqlite-repository';
import { SqliteStatsRepository } from './sqlite-stats-repository';
import { SqliteTransportRepository } from './sqlite-transport-repository';
import type { Cluster, LeaderRole, Storage } from './storage';
import { SOLE_TIMELINE_SIGNAL } from './timeline-signal';

/** With a logger, a writer or checkpointer thread that dies is logged as it happens (health says so too). */
export async function openSqliteStorage(
  url: string,
  logger: Logger | undefined,
  options: SqliteOptions,
): Promise<Storage> {
  const repo = SqliteRepository.open(url, options);
  repo.onFailure((err) => logger?.fatal({ err }, 'database thread stopped'));
  try {
    await repo.ready();
  } catch (error) {
    await repo.close();
    throw error;
  }
  return new SqliteStorage(repo);
}

class SqliteStorage implements Storage {
  private readonly leaders = new Map<LeaderRole, LeaderLease>();
  private cluster: Cluster | null = null;
  private agentsRepo: SqliteAgentsRepository | null = null;
  private auditRepo: SqliteAuditRepository | null = null;
  private statsRepo: SqliteStatsRepository | null = null;
  private importRepo: SqliteImportRepository | null = null;
  private positions: ReturnType<typeof createReadPositions> | null = null;

  constructor(readonly messages: SqliteRepository) {}

  get agents() {
    this.agentsRepo ??= new SqliteAgentsRepository(this.messages.database);
    return this.agentsRepo;
  }

  get audit() {
    this.auditRepo ??= new SqliteAuditRepository(this.messages.database);
    return this.auditRepo;
  }

  get stats() {
    this.statsRepo ??= new SqliteStatsRepository(this.messages.database);
    return this.statsRepo;
  }

  get import() {
    this.importRepo ??= new SqliteImportRepository(this.messages.database);
    return this.importRepo;
  }

  get readPositions() {
    this.positions ??= createReadPositions(this.messages.database);
    return this.positions;
  }

  /** One process holds every role: nothing to fence. */
  transports(): SqliteTransportRepository {
    return new SqliteTransportRepository(this.messages.database);
  }

  limiter(burst: number, perSecond: number): TokenBucketLimiter {
    return new TokenBucketLimiter(burst, perSecond);
  }

  leader(role: LeaderRole): LeaderLease {
    const lease = this.leaders.get(role) ?? new SoleInstance();
    this.leaders.set(role, lease);
    return lease;
  }

  async connect(_logger: Logger, onListenerError: (error: unknown) => void): Promise<Cluster> {
    this.cluster ??= {
      bus: new InProcessBus(onListenerError),
      dispatch: new SoleDispatch(),
      timeline: SOLE_TIMELINE_SIGNAL,
      settings: SOLE_INSTANCE_SIGNAL,
      sharePresence: () => () => 0,
    };
    return this.cluster;
  }

  close(): Promise<void> {
    return this.messages.close();
  }
}
