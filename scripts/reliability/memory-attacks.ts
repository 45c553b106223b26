// The memory attacks of issue 15 against a real server process, each on a fresh server: what one user sends, and
// the server's RSS before, at its peak while the attack runs, and after the attacker has left.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../../src/server/auth';
import { freePort, type ServerProcess, startServerProcess } from '../../tests/helpers/process';
import { RawWebSocket } from '../../tests/helpers/raw-ws';
import { tempDir } from '../../tests/helpers/server';

const SECRET = 'attack-bench-secret-attack-bench-secret-0123';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AttackFigures {
  name: string;
  /** What the attacker did and what the server answered, in words and counts. */
  detail: string;
  rssStartMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  seconds: number;
}

export interface AttackOptions {
  /** How long each flood runs. */
  floodMs: number;
  /** How long after the attacker left "after" is measured. */
  settleMs: number;
  log?: (line: string) => void;
}

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
};

interface Target {
  server: ServerProcess;
  pid: number;
  wsUrl: string;
  token(user: string, role?: 'user' | 'admin'): Promise<string>;
}

async function startTarget(env: Record<string, string> = {}): Promise<Target> {
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  const server = await startServerProcess({
    PORT: String(httpPort),
    WEBSOCKET_PORT: String(wsPort),
    DATABASE_URL: join(tempDir('ocs-attack-'), 'chat.db'),
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'error',
    ...env,
  });
  return {
    server,
    pid: server.child.pid as number,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    token: (user, role = 'user') => mintToken(SECRET, { user, role }),
  };
}

/** A raw client signed in as `user`: it answers nothing and reads only if told to. */
async function attacker(target: Target, user: string, role: 'user' | 'admin' = 'user') {
  const raw = await RawWebSocket.open(`${target.wsUrl}?connectionParams=1`);
  raw.sendText(
    JSON.stringify({ method: 'connectionParams', data: { token: await target.token(user, role) } }),
  );
  return raw;
}

const calls = (n: number, from: number, method: string, path: string, input?: unknown) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: from + i, method, params: { path, input } })));

/**
 * Sends `frame(i)` for `ms` as fast as the server takes them (the client's own buffer stays under 1 MiB), or until
 * the server drops the connection; says how many frames left the client and which of the two ended it.
 */
async function flood(raw: RawWebSocket, ms: number, frame: (i: number) => string): Promise<string> {
  const start = Date.now();
  let sent = 0;
  while (Date.now() < start + ms && !raw.ended) {
    if (raw.unsent > 1024 * 1024) await raw.drained(50);
    else raw.sendText(frame(sent++));
  }
  const seconds = ((Date.now() - start) / 1000).toFixed(1);
  const end = raw.ended
    ? `the server dropped the client after ${seconds} s`
    : `still open after ${seconds} s`;
  return `${sent} frames written by the client; ${end}`;
}

/** Runs `attack` on a fresh server, sampling its RSS, then waits `settleMs` after the attacker left. */
async function measure(
  name: string,
  options: AttackOptions,
  env: Record<string, string>,
  prepare: (target: Target) => Promise<void>,
  attack: (target: Target) => Promise<string>,
): Promise<AttackFigures> {
  const target = await startTarget(env);
  try {
    await prepare(target);
    await sleep(1000);
    const rssStartMb = rssMb(target.pid);
    let peak = rssStartMb;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(target.pid));
    }, 50);
    const started = Date.now();
    let detail: string;
    try {
      detail = await attack(target);
      await sleep(options.settleMs);
    } finally {
      clearInterval(sampler);
    }
    const figures = {
      name,
      detail,
      rssStartMb,
      rssPeakMb: Math.max(peak, rssMb(target.pid)),
      rssAfterMb: rssMb(target.pid),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    if (target.server.child.exitCode !== null) throw new Error(`${name}: the server died`);
    options.log?.(`  ${name}: RSS ${figures.rssStartMb} -> ${figures.rssPeakMb} -> ${figures.rssAfterMb} MB`);
    return figures;
  } finally {
    target.server.child.kill('SIGTERM');
    await target.server.exited;
  }
}

/** (a) A client that never reads sends frames full of chat.history calls (200 messages each). */
async function historyFlood(options: AttackOptions, perFrame: number): Promise<AttackFigures> {
  return measure(
    `chat.history flood, ${perFrame} calls per frame, never reading`,
    options,
    { RATE_LIMIT_PER_SECOND: '0' },
    async (target) => {
      const writer = await attacker(target, 'seeder');
      const text = 'history '.repeat(60);
      for (let i = 0; i < 4; i++) writer.sendText(calls(50, i * 50 + 1, 'mutation', 'chat.send', { text }));
      await sleep(1500);
      writer.destroy();
    },
    async (target) => {
      const raw = await attacker(target, 'eve');
      raw.stopReading();
      // The same ids in every frame (queries may reuse them): 790 calls with short ids fill a frame to just
      // under the 64 KiB maximum, as in the original attack.
      const frame = calls(perFrame, 1, 'query', 'chat.history', { limit: 200 });
      const outcome = await flood(raw, options.floodMs, () => frame);
      raw.destroy();
      return outcome;
    },
  );
}

/** (b) 1,000 chat.onActivity subscriptions on a paused connection, while another user sends 4,000 setTyping. */
async function activityFlood(options: AttackOptions): Promise<AttackFigures> {
  return measure(
    'chat.onActivity x1,000 on a paused connection + 4,000 setTyping',
    options,
    {},
    async () => undefined,
    async (target) => {
      const listener = await attacker(target, 'eve');
      for (let i = 0; i < 20; i++)
        listener.sendText(calls(50, i * 50 + 1, 'subscription', 'chat.onActivity'));
      await sleep(500);
      listener.stopReading();
      const typist = await attacker(target, 'mallory');
      typist.stopReading();
      let sent = 0;
      for (let i = 0; i < 80; i++) {
        const frame = Array.from({ length: 50 }, (_, j) => ({
          id: ++sent,
          method: 'mutation',
          params: { path: 'chat.setTyping', input: { isTyping: (i * 50 + j) % 2 === 0 } },
        }));
        typist.sendText(JSON.stringify(frame));
      }
      await sleep(options.floodMs);
      listener.destroy();
      typist.destroy();
      return `1,000 subscriptions asked (one connection), ${sent} setTyping calls`;
    },
  );
}

/** (c) 20,000 subscriptions on one connection; the client reads, so it can count what was accepted. */
async function subscriptionFlood(options: AttackOptions): Promise<AttackFigures> {
  return measure(
    'chat.onMessage x20,000 on one connection',
    options,
    {},
    async () => undefined,
    async (target) => {
      const raw = await attacker(target, 'eve');
      for (let i = 0; i < 400; i++) raw.sendText(calls(50, i * 50 + 1, 'subscription', 'chat.onMessage'));
      const answered = () => raw.json<{ result?: { type: string }; error?: unknown }>();
      const deadline = Date.now() + 30_000;
      while (answered().length < 20_000 && Date.now() < deadline) await sleep(100);
      const frames = answered();
      const started = frames.filter((f) => f.result?.type === 'started').length;
      const refused = frames.filter((f) => f.error).length;
      await sleep(options.floodMs);
      raw.destroy();
      return `20,000 asked: ${started} started, ${refused} refused (TOO_MANY_REQUESTS)`;
    },
  );
}

/** (d) 100 tasks.assign from one ordinary user to an agent whose worker is busy. */
async function taskFlood(options: AttackOptions): Promise<AttackFigures> {
  const worker = join(process.cwd(), 'tests/fixtures/slow-worker.mjs');
  return measure(
    'tasks.assign x100 from one user',
    options,
    {
      AGENT_WORKER_COMMAND: `'${process.execPath}' '${worker}'`,
      PROJECT_ROOT: tempDir('ocs-attack-project-'),
    },
    async (target) => {
      const admin = await attacker(target, 'root', 'admin');
      admin.sendText(calls(1, 1, 'mutation', 'employees.hire', { name: 'alice', role: 'developer' }));
      const deadline = Date.now() + 10_000;
      while (admin.texts.length === 0 && Date.now() < deadline) await sleep(50);
      admin.destroy();
    },
    async (target) => {
      const raw = await attacker(target, 'carol');
      const assign = (i: number) => ({
        id: i + 1,
        method: 'mutation',
        params: { path: 'tasks.assign', input: { employee: 'alice', description: `chore ${i}` } },
      });
      for (let f = 0; f < 2; f++)
        raw.sendText(JSON.stringify(Array.from({ length: 50 }, (_, j) => assign(f * 50 + j))));
      const deadline = Date.now() + 30_000;
      while (raw.texts.length < 100 && Date.now() < deadline) await sleep(100);
      const frames = raw.json<{ result?: unknown; error?: { data?: { code?: string } } }>();
      const accepted = frames.filter((f) => f.result).length;
      const refused = frames.filter((f) => f.error?.data?.code === 'TOO_MANY_REQUESTS').length;
      raw.destroy();
      return `100 asked: ${accepted} accepted (1 running, the rest waiting), ${refused} refused (TOO_MANY_REQUESTS)`;
    },
  );
}

export const ATTACKS = {
  'history-790': (o: AttackOptions) => historyFlood(o, 790),
  'history-50': (o: AttackOptions) => historyFlood(o, 50),
  activity: activityFlood,
  subscriptions: subscriptionFlood,
  tasks: taskFlood,
} as const;
export type AttackName = keyof typeof ATTACKS;

export async function runMemoryAttacks(
  options: AttackOptions,
  only: AttackName[] = Object.keys(ATTACKS) as AttackName[],
): Promise<AttackFigures[]> {
  const results: AttackFigures[] = [];
  for (const name of only) results.push(await ATTACKS[name](options));
  return results;
}

/** The goals: peak growth under 100 MB, and back within 10% of the start once the attacker has left. */
export function attackFailures(figures: AttackFigures[]): string[] {
  return figures.flatMap((f) => [
    ...(f.rssPeakMb - f.rssStartMb >= 100 ? [`${f.name}: peak grew ${f.rssPeakMb - f.rssStartMb} MB`] : []),
    ...(f.rssAfterMb > f.rssStartMb * 1.1
      ? [`${f.name}: ${f.rssAfterMb} MB after, from ${f.rssStartMb}`]
      : []),
  ]);
}
