// The health report behind the `health` procedure and GET /health: each component checked for real, and
// `degraded` when the database or the active transport is down (what a load balancer should act on).
import { readFileSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sqlitePath } from './db/client';
import type { Services } from './services';

export type ComponentStatus = 'up' | 'down' | 'absent' | 'low';

export interface HealthReport {
  status: 'healthy' | 'degraded';
  components: {
    database: { status: ComponentStatus; lastMessageId?: number; error?: string };
    transports: {
      status: ComponentStatus;
      active: string;
      reason: string | null;
      connections: Record<string, number>;
      error?: string;
    };
    /** `runsHere`: this instance runs the agents (always when alone; in a cluster, the holder of the role). */
    agents: { status: ComponentStatus; count?: number; runsHere?: boolean; error?: string };
    disk: { status: ComponentStatus; path: string; freeBytes?: number; totalBytes?: number; error?: string };
  };
  /** Seconds since the services started. */
  uptime: number;
  version: string;
  time: string;
}

/** Below this much free space on the database's disk the disk component reads `low`. */
export const LOW_DISK_BYTES = 100 * 1024 * 1024;

export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Agents are optional (another module adds them): counted when `services.agents` offers a list. */
interface AgentsLike {
  list?: () => unknown[] | Promise<unknown[]>;
  runsHere?: boolean;
}

export async function checkHealth(services: Services): Promise<HealthReport> {
  const components = {} as HealthReport['components'];

  try {
    components.database = { status: 'up', lastMessageId: await services.repo.lastMessageId() };
  } catch (error) {
    components.database = { status: 'down', error: message(error) };
  }

  try {
    const info = services.communication.info();
    components.transports = {
      status: info.connected ? 'up' : 'down',
      active: info.type,
      reason: info.reason,
      connections: services.metrics.sources.connections(),
    };
  } catch (error) {
    components.transports = {
      status: 'down',
      active: 'unknown',
      reason: null,
      connections: {},
      error: message(error),
    };
  }

  const agents = (services as unknown as { agents?: AgentsLike }).agents;
  if (!agents?.list) components.agents = { status: 'absent' };
  else {
    try {
      components.agents = { status: 'up', count: (await agents.list()).length, runsHere: agents.runsHere };
    } catch (error) {
      components.agents = { status: 'down', error: message(error) };
    }
  }

  const dbPath = sqlitePath(services.config.DATABASE_URL);
  const diskPath = dbPath === ':memory:' ? process.cwd() : dirname(resolve(dbPath));
  try {
    const fs = statfsSync(diskPath);
    const freeBytes = fs.bavail * fs.bsize;
    components.disk = {
      status: freeBytes < LOW_DISK_BYTES ? 'low' : 'up',
      path: diskPath,
      freeBytes,
      totalBytes: fs.blocks * fs.bsize,
    };
  } catch (error) {
    components.disk = { status: 'down', path: diskPath, error: message(error) };
  }

  const down = components.database.status === 'down' || components.transports.status === 'down';
  return {
    status: down ? 'degraded' : 'healthy',
    components,
    uptime: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
    version: VERSION,
    time: new Date().toISOString(),
  };
}
