// The health report behind the `health` procedure and GET /health: each component checked for real, and
// `degraded` when the database or the active transport is down (what a load balancer should act on). Strangers
// get only that (publicHealth); paths, sizes, versions and errors are for operators (see access/operator.ts).
import { readFileSync, statfsSync } from 'node:fs';
import { localDatabaseDir } from './db/storage-location';
import { redactSecrets } from './redact';
import type { Services } from './services';

export type ComponentStatus = 'up' | 'down' | 'absent' | 'low';

export interface HealthReport {
  status: 'healthy' | 'degraded';
  /** True: the operator's view below; false: the public one (status per component only). */
  detailed: true;
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
    agents: {
      status: ComponentStatus;
      count?: number;
      runsHere?: boolean;
      /** The coding agent tasks run on: opencode's state, version and last error (the reason chat users don't see). */
      worker?: { mode: string; state: string | null; version: string | null; lastError: string | null };
      error?: string;
    };
    /** `absent` when the database is a server (PostgreSQL) or in memory: no disk of ours to watch. */
    disk: { status: ComponentStatus; path?: string; freeBytes?: number; totalBytes?: number; error?: string };
  };
  /** Seconds since the services started. */
  uptime: number;
  version: string;
  time: string;
}

type ComponentName = keyof HealthReport['components'];

/** What anyone may see: enough for a load balancer or a probe, nothing about the machine or its secrets. */
export interface PublicHealthReport {
  status: HealthReport['status'];
  detailed: false;
  components: Record<ComponentName, { status: ComponentStatus }>;
}

export function publicHealth(report: HealthReport): PublicHealthReport {
  const components = {} as PublicHealthReport['components'];
  for (const [name, component] of Object.entries(report.components))
    components[name as ComponentName] = { status: component.status };
  return { status: report.status, detailed: false, components };
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

export async function checkHealth(services: Services): Promise<HealthReport> {
  const components = {} as HealthReport['components'];
  // Even operators never see a secret: a driver's error may quote the connection string.
  const message = (error: unknown) =>
    redactSecrets(error instanceof Error ? error.message : String(error), services.config);

  try {
    // A dead writer thread leaves reads working: without this, health would say up while no message can be saved.
    if (services.repo.failure) throw services.repo.failure;
    components.database = { status: 'up', lastMessageId: await services.repo.lastMessageId() };
  } catch (error) {
    components.database = { status: 'down', error: message(error) };
  }

  try {
    const info = services.transports.info();
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

  try {
    const { agents } = services;
    const info = agents.workerInfo();
    components.agents = {
      status: 'up',
      count: (await agents.list()).length,
      runsHere: agents.runsHere,
      worker: {
        mode: info.mode,
        state: info.opencode?.state ?? null,
        version: info.opencode?.version ?? null,
        lastError: info.opencode?.lastError ? message(info.opencode.lastError) : null,
      },
    };
  } catch (error) {
    components.agents = { status: 'down', error: message(error) };
  }

  const diskPath = localDatabaseDir(services.config.DATABASE_URL);
  if (diskPath === null) components.disk = { status: 'absent' };
  else {
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
  }

  const down = components.database.status === 'down' || components.transports.status === 'down';
  return {
    status: down ? 'degraded' : 'healthy',
    detailed: true,
    components,
    uptime: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
    version: VERSION,
    time: new Date().toISOString(),
  };
}
