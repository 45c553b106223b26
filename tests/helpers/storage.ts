// Shortcuts for tests that hold a repository (their own, or services.repo): each takes the part they need from the
// storage bundle the repository was opened with (src/server/db/storage.ts), so no test picks a dialect either.
import type { Logger } from 'pino';
import type { Repository } from '../../src/server/db/repository';
import type { SqliteOptions } from '../../src/server/db/sqlite-repository';
import { type Cluster, openStorage, storageOf } from '../../src/server/db/storage';
import type { TimelineSignal } from '../../src/server/db/timeline-signal';
import type { Bus } from '../../src/server/ports/bus';
import type { LeaderLease } from '../../src/server/ports/leader-lease';

export async function openRepository(
  url: string,
  logger?: Logger,
  sqlite?: SqliteOptions,
): Promise<Repository> {
  return (await openStorage(url, { logger, sqlite })).messages;
}

export const agentsRepositoryFor = (repo: Repository) => storageOf(repo).agents;
export const auditRepositoryFor = (repo: Repository) => storageOf(repo).audit;
export const statsRepositoryFor = (repo: Repository) => storageOf(repo).stats;
export const readPositionsFor = (repo: Repository) => storageOf(repo).readPositions;
export const transportRepositoryFor = (repo: Repository, role?: LeaderLease) =>
  storageOf(repo).transports(role);
export const rateLimiterFor = (repo: Repository, burst: number, perSecond: number) =>
  storageOf(repo).limiter(burst, perSecond);

const clusters = new WeakMap<Bus, Cluster>();

/** The repository's cluster bus (in process on SQLite); it closes with the repository. */
export async function busFor(repo: Repository, logger: Logger, onListenerError: (error: unknown) => void) {
  const cluster = await storageOf(repo).connect(logger, onListenerError);
  clusters.set(cluster.bus, cluster);
  return cluster.bus;
}

/** The task timeline doorbell that rides on `bus` (from busFor). */
export function timelineSignalFor(_repo: Repository, bus: Bus): TimelineSignal {
  const cluster = clusters.get(bus);
  if (!cluster) throw new Error('timelineSignalFor: take the bus from busFor first');
  return cluster.timeline;
}
