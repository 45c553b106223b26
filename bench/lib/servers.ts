// Starts the servers under test in their own processes: the real app (token mode, SQLite in a temp dir, default
// durability), the raw ws relay baseline, the two peers (Socket.IO, tRPC's applyWSSHandler) and the tRPC floor.
// Each runs with ./probe.ts preloaded; its step timings are collected from stdout into `probe`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/server/auth';
import { freePort } from '../../tests/helpers/process';
import { PROBE_PREFIX, type ProbeSlice } from './probe.mjs';

export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

export interface RunningServer {
  wsUrl: string;
  /** Every instance's WebSocket URL when this is a cluster. */
  wsUrls?: string[];
  httpUrl: string | null;
  pid: number;
  /** The server's step timings so far (./probe.mjs), in arrival order. */
  probe: ProbeSlice[];
  /** Rejects if the server process ends before `stop()`: a scenario waiting on it fails instead of hanging. */
  died: Promise<never>;
  token(user: string, role?: 'user' | 'admin'): Promise<string>;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += String(data);
      const match = pattern.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => {
      output += String(d);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before starting:\n${output}`)));
  });
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });

const PROBE_FLAGS = ['--import', 'tsx', '--import', './bench/lib/probe.mjs'];

/** Collects the child's probe lines (and drops the rest of its stdout) from now on. */
/** Rejects when the child exits while `stopping()` is false. */
function diedEarly(child: ChildProcess, stopping: () => boolean): Promise<never> {
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      if (!stopping())
        reject(new Error(`the server process ended during the scenario (${signal ?? `exit code ${code}`})`));
    }),
  );
  died.catch(() => {});
  return died;
}

function collectProbe(child: ChildProcess): ProbeSlice[] {
  const slices: ProbeSlice[] = [];
  let rest = '';
  child.stdout?.on('data', (data: Buffer) => {
    const lines = (rest + String(data)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines)
      if (line.startsWith(PROBE_PREFIX))
        slices.push(JSON.parse(line.slice(PROBE_PREFIX.length)) as ProbeSlice);
  });
  return slices;
}

export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** `cwd`: another checkout of the project to run instead of this one (`--ab`: its node_modules must resolve). */
export async function startProject(
  extraEnv: Record<string, string> = {},
  cwd?: string,
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-'));
  const [port, wsPort] = [await freePort(), await freePort()];
  // BENCH_CPU_PROF=1 writes a V8 CPU profile of the server per run into bench/results/prof.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=bench/results/prof'] : [];
  const extra = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...profile, ...extra, ...PROBE_FLAGS, 'src/server/main.ts'], {
    env: {
      ...process.env,
      BENCH_PROBE: 'stdout',
      BENCH_PROBE_SQLITE: '1',
      AUTH_SECRET: BENCH_SECRET,
      DATABASE_URL: join(dir, 'bench.db'),
      PORT: String(port),
      WEBSOCKET_PORT: String(wsPort),
      RATE_LIMIT_PER_SECOND: '0',
      // Every bench client connects from 127.0.0.1: lift the per-IP cap for the connection scenarios.
      WS_MAX_CONNECTIONS_PER_IP: '1000000',
      // The flood keeps 512 sends in flight, which @trpc/client puts in one frame: above the default of 50.
      WS_MAX_BATCH: '1000',
      LOG_LEVEL: 'warn',
      LOG_FILE: '',
      PROJECT_ROOT: dir,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  await waitForLine(child, /OpenCode-Slack is running/);
  const probe = collectProbe(child);
  let stopping = false;
  const died = diedEarly(child, () => stopping);
  const tokens = new Map<string, Promise<string>>();
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    httpUrl: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    probe,
    died,
    token(user, role = 'user') {
      const key = `${user}:${role}`;
      if (!tokens.has(key)) tokens.set(key, mintToken(BENCH_SECRET, { user, role }, '1h'));
      return tokens.get(key) as Promise<string>;
    },
    async stop() {
      stopping = true;
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The raw ws relay (or another relay script printing BASELINE_PORT=): no auth, tokens are ''. */
export async function startBaseline(script = 'bench/lib/baseline-server.ts'): Promise<RunningServer> {
  const child = spawn(process.execPath, [...PROBE_FLAGS, script], {
    env: { ...process.env, BENCH_PROBE: 'stdout' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await waitForLine(child, /BASELINE_PORT=(\d+)/);
  const probe = collectProbe(child);
  let stopping = false;
  const died = diedEarly(child, () => stopping);
  return {
    wsUrl: `ws://127.0.0.1:${match[1]}`,
    httpUrl: null,
    pid: child.pid as number,
    probe,
    died,
    token: async () => '',
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

export const startTrpcFloor = () => startBaseline('bench/lib/trpc-floor-server.ts');
/** Peer: Socket.IO 4 (the URL is http://, as socket.io-client expects). */
export async function startSocketio(): Promise<RunningServer> {
  const server = await startBaseline('bench/lib/socketio-server.ts');
  return { ...server, wsUrl: server.wsUrl.replace(/^ws:/, 'http:') };
}
/** Peer: tRPC's own applyWSSHandler. */
export const startTrpcStock = () => startBaseline('bench/lib/trpc-stock-server.ts');

/** `count` project instances on one embedded PostgreSQL (real binaries from npm), as a single RunningServer. */
export async function startCluster(count: number): Promise<RunningServer> {
  const { startPostgres } = await import('../../tests/helpers/postgres');
  const postgres = await startPostgres();
  const url = await postgres.createDatabase();
  const instances: RunningServer[] = [];
  try {
    // One at a time: the first applies the migrations (the others would wait on its advisory lock anyway).
    for (let i = 0; i < count; i++) instances.push(await startProject({ DATABASE_URL: url }));
  } catch (error) {
    await Promise.all(instances.map((s) => s.stop()));
    await postgres.stop();
    throw error;
  }
  const first = instances[0] as RunningServer;
  return {
    wsUrl: first.wsUrl,
    wsUrls: instances.map((s) => s.wsUrl),
    httpUrl: first.httpUrl,
    pid: first.pid,
    probe: first.probe,
    died: Promise.race(instances.map((s) => s.died)),
    token: (user, role) => first.token(user, role),
    async stop() {
      await Promise.all(instances.map((s) => s.stop()));
      await postgres.stop();
    },
  };
}
