// The idle scenario: N idle subscribed connections on one server instance (issue 17 asks 100,000), from client
// processes of their own, and what each costs the server in memory once settled, with the time to connect them all.
// File-descriptor limits are raised for the bench's own processes (the server and its clients) up to their hard
// limit; a machine whose hard limit is below what N needs is named with the figure, not worked around.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdleClientsReport, IdleClientsSetup } from './idle-clients';
import type { ScenarioResult } from './scenarios';
import { BENCH_SECRET, type RunningServer, rssKb } from './servers';

/** Loopback source addresses: each gives ~28k ephemeral ports (net.ipv4.ip_local_port_range) towards one port. */
export const IDLE_ADDRESSES = ['2', '3', '4', '5', '6', '7', '8', '9'].map((n) => `127.0.0.${n}`);
/** Files a process needs besides its sockets (modules, the database and its WAL, pipes, the listening sockets). */
const SPARE_FILES = 256;
/** Connections one client process opens: well under its own file limit, and its event loop stays responsive. */
const PER_PROCESS = 12_500;
const CONNECT_CONCURRENCY = 64;

export function openFileLimits(pid: number | 'self'): { soft: number; hard: number } {
  const line = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(
    readFileSync(`/proc/${pid}/limits`, 'utf8'),
  );
  const value = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

function fileLimitRefusal(count: number, hard: number, whose: string): string | null {
  const need = count + SPARE_FILES;
  if (hard >= need) return null;
  return (
    `${count} idle connections need about ${need} open files in the server process, and ${whose} hard limit is ` +
    `${hard} (RLIMIT_NOFILE: only a process with CAP_SYS_RESOURCE can raise it, e.g. \`ulimit -Hn\` as root or ` +
    'LimitNOFILE= in systemd; this bench raises soft limits only): raise it on this machine or ask for fewer --connections'
  );
}

/** Why this machine cannot hold `count` connections in a server the bench starts (it inherits our limits), or null. */
export function idleFileLimitRefusal(count: number): string | null {
  return fileLimitRefusal(count, openFileLimits('self').hard, "this process's (which the server inherits)");
}

/** Raises the server's soft file limit to what `count` connections need (up to its hard limit). */
function raiseServerFileLimit(pid: number, count: number): void {
  const need = count + SPARE_FILES;
  const { soft, hard } = openFileLimits(pid);
  const refusal = fileLimitRefusal(count, hard, "the server's");
  if (refusal) throw new Error(refusal);
  if (soft < need) execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${hard}:${hard}`]);
}

function startClients(setup: IdleClientsSetup): ChildProcess {
  // The shell raises this process's soft file limit to its hard limit before node starts.
  const node = [process.execPath, '--import', 'tsx', 'bench/lib/idle-clients.ts']
    .map((a) => `'${a}'`)
    .join(' ');
  return spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" && exec ${node}`], {
    env: { ...process.env, IDLE_CLIENTS_SETUP: JSON.stringify(setup) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Resolves on the process's first report of `type`; rejects on its failure, its exit or after `timeoutMs`. */
function report(
  child: ChildProcess,
  type: 'loaded' | 'ready',
  timeoutMs: number,
  progress?: (open: number) => void,
) {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => done(new Error(`client process not ${type} after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: IdleClientsReport) => {
      if (message.type === 'progress' || message.type === 'ready') progress?.(message.open);
      if (message.type === type) done();
      if (message.type === 'failed') done(new Error(`a client process failed: ${message.message}`));
    };
    const onExit = (code: number | null) =>
      done(new Error(`a client process exited with ${code} before it was ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Server RSS per idle subscribed connection, 1.5 s after the last one connected and after `settleSeconds` of idle
 * time (V8 frees the garbage of the connection burst only once allocation has been quiet for a while), the time to
 * connect them all, and the sockets the server holds (its open files beyond those before the clients came).
 */
export async function idleConnections(
  server: RunningServer,
  o: { count: number; settleSeconds: number; log?: (line: string) => void },
): Promise<ScenarioResult> {
  raiseServerFileLimit(server.pid, o.count);
  // Each client process stays within its own file limit (the shell below raises the soft one to the hard one).
  const perProcess = Math.min(PER_PROCESS, openFileLimits('self').hard - SPARE_FILES);
  const processes = Math.max(2, Math.ceil(o.count / perProcess));
  const share = Math.ceil(o.count / processes);
  await sleep(300);
  const before = rssKb(server.pid);
  const filesBefore = openFiles(server.pid);
  const children: ChildProcess[] = [];
  const open = new Array<number>(processes).fill(0);
  let logged = 0;
  const progress = (p: number, n: number) => {
    open[p] = n;
    const total = open.reduce((a, b) => a + b, 0);
    if (total - logged >= 10_000) {
      logged = total;
      o.log?.(`  idle: ${total} / ${o.count} connected`);
    }
  };
  try {
    for (let p = 0; p < processes; p++) {
      const first = p * share;
      children.push(
        startClients({
          url: server.wsUrl,
          secret: BENCH_SECRET,
          first,
          count: Math.min(share, o.count - first),
          addresses: IDLE_ADDRESSES,
          concurrency: CONNECT_CONCURRENCY,
        }),
      );
    }
    await Promise.all(children.map((child) => report(child, 'loaded', 120_000)));
    const start = performance.now();
    for (const child of children) child.send('go');
    await Promise.all(children.map((child, p) => report(child, 'ready', 30 * 60_000, (n) => progress(p, n))));
    const connectMs = performance.now() - start;
    await sleep(1500);
    const perConnection = () => Math.round(((rssKb(server.pid) - before) / o.count) * 10) / 10;
    const figures: Record<string, number> = {
      'KB/conn': perConnection(),
      'connect s': Math.round(connectMs / 100) / 10,
      'server sockets': openFiles(server.pid) - filesBefore,
    };
    await sleep(o.settleSeconds * 1000);
    figures['KB/conn settled'] = perConnection();
    figures['server RSS MB settled'] = Math.round(rssKb(server.pid) / 1024);
    const opened = open.reduce((a, b) => a + b, 0);
    return { figures, sequence: { lost: o.count - opened, duplicated: 0, reordered: 0 } };
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}
