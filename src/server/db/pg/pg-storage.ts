// The PostgreSQL storage bundle: every repository on the shared pool, and what several instances share through the
// database — the cluster bus (LISTEN/NOTIFY and a tailer), send-limit buckets, leader locks, the doorbells.
import type { Logger } from 'pino';
import type { LeaderLease } from '../../ports/leader-lease';
import type { Cluster, LeaderRole, Storage } from '../storage';
import { LOCKS } from './locks';
import { PgAgentsDispatch } from './pg-agents-dispatch';
import { PgAgentsRepository } from './pg-agents-repository';
import { PgAuditRepository } from './pg-audit-repository';
import { PgBus } from './pg-bus';
import { PgImportRepository } from './pg-import-repository';
import { PgLeader } from './pg-leader';
import { PgRateLimiter } from './pg-rate-limiter';
import { PgReadPositions } from './pg-read-positions';
import { PgRepository } from './pg-repository';
import { PgStatsRepository } from './pg-stats-repository';
import { PgTimelineSignal } from './pg-timeline-signal';
import { PgTransportRepository } from './pg-transport-repository';

export async function openPgStorage(url: string): Promise<Storage> {
  return new PgStorage(await PgRepository.open(url));
}

class PgStorage implements Storage {
  private readonly leaders = new Map<LeaderRole, PgLeader>();
  private cluster: Promise<Cluster> | null = null;
  private agentsRepo: PgAgentsRepository | null = null;
  private auditRepo: PgAuditRepository | null = null;
  private statsRepo: PgStatsRepository | null = null;
  private importRepo: PgImportRepository | null = null;
  private positions: PgReadPositions | null = null;

  constructor(readonly messages: PgRepository) {}

  get agents() {
    this.agentsRepo ??= new PgAgentsRepository(this.messages.database);
    return this.agentsRepo;
  }

  get audit() {
    this.auditRepo ??= new PgAuditRepository(this.messages.database);
    return this.auditRepo;
  }

  get stats() {
    this.statsRepo ??= new PgStatsRepository(this.messages.database);
    return this.statsRepo;
  }

  get import() {
    this.importRepo ??= new PgImportRepository(this.messages.pool);
    return this.importRepo;
  }

  get readPositions() {
    this.positions ??= new PgReadPositions(this.messages.pool);
    return this.positions;
  }

  /** Fenced by `role` when it is this storage's Telegram lease: only its holder's writes commit. */
  transports(role?: LeaderLease): PgTransportRepository {
    const fence = [...this.leaders.values()].find((leader) => leader === role) ?? null;
    return new PgTransportRepository(this.messages.database, fence);
  }

  limiter(burst: number, perSecond: number): PgRateLimiter {
    return new PgRateLimiter(this.messages.pool, burst, perSecond);
  }

  /** One lease per role; it resigns when the storage closes. */
  leader(role: LeaderRole, logger: Logger): PgLeader {
    let lease = this.leaders.get(role);
    if (!lease) {
      const created = new PgLeader(this.messages.handle.url, LOCKS[role], role, logger);
      this.messages.onClose(() => created.close());
      this.leaders.set(role, created);
      lease = created;
    }
    return lease;
  }

  /**
   * The cluster bus: messages committed by any instance reach this one's listeners in id order, typing and presence
   * cross instances, and the agents' and timeline doorbells ride on its connection. It closes with the storage.
   */
  connect(logger: Logger, onListenerError: (error: unknown) => void): Promise<Cluster> {
    this.cluster ??= (async () => {
      const bus = new PgBus(this.messages, logger, onListenerError);
      await bus.start();
      this.messages.onClose(() => bus.close());
      return {
        bus,
        dispatch: new PgAgentsDispatch(this.messages, bus),
        timeline: new PgTimelineSignal(this.messages, bus),
        settings: bus,
        sharePresence: (presence) => bus.attachPresence(presence),
      };
    })();
    return this.cluster;
  }

  close(): Promise<void> {
    return this.messages.close();
  }
}
