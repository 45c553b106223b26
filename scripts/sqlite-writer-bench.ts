// npm run bench:sqlite-writer [-- --rounds 3 --seconds 5]: the disk's own fsync distribution (single-row
// synchronous=FULL commits at 200/s), then SQLite message commits in the calling thread vs the writer thread,
// alternating in one run: paced appends (200/s) with their commit latency and the event loop's delay meanwhile
// (what every socket waits), and ingest (320 appends in flight).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { NewMessage } from '../src/server/db/repository';
import { SqliteRepository } from '../src/server/db/sqlite-repository';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    ingest: { type: 'string', default: '50000' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const ingestCount = Number(values.ingest);
const dir = mkdtempSync(join(tmpdir(), 'ocs-writer-bench-'));
let files = 0;

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { p50: q(0.5), p99: q(0.99), 'p99.9': q(0.999), max: s.at(-1) ?? 0 };
};
const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toFixed(v < 10 ? 2 : 0)}`)
    .join('  ');
const sleepUntil = (t: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));
const message = (i: number): NewMessage => ({
  text: `message ${i} ${'x'.repeat(80)}`,
  sender: `user${i % 10}`,
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo: null,
  origin: 'websocket',
  clientId: `c${i}`,
});

async function fsyncLoop(): Promise<number[]> {
  const db = new Database(join(dir, `fsync-${++files}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < seconds * 200; i++) {
    await sleepUntil(start + i * 5);
    const t = performance.now();
    insert.run('x'.repeat(100));
    times.push(performance.now() - t);
  }
  db.close();
  return times;
}

async function paced(inline: boolean) {
  const repo = SqliteRepository.open(join(dir, `paced-${++files}.db`), { inlineWriter: inline });
  await repo.ready();
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < seconds * 200; i++) {
    await sleepUntil(start + i * 5);
    const t = performance.now();
    appends.push(repo.appendMessage(message(i)).then(() => latencies.push(performance.now() - t)));
  }
  await Promise.all(appends);
  loop.disable();
  await repo.close();
  return {
    commit: quantiles(latencies),
    loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
}

async function ingest(inline: boolean) {
  const repo = SqliteRepository.open(join(dir, `ingest-${++files}.db`), { inlineWriter: inline });
  await repo.ready();
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < ingestCount) await repo.appendMessage(message(next++));
  };
  await Promise.all(Array.from({ length: 320 }, worker));
  const rate = ingestCount / ((performance.now() - start) / 1000);
  await repo.close();
  return rate;
}

console.log(`fsync: single-row synchronous=FULL commits at 200/s for ${seconds} s, ms`);
console.log(`  ${fmt(quantiles(await fsyncLoop()))}`);
for (let round = 1; round <= rounds; round++) {
  for (const inline of [true, false]) {
    const name = inline ? 'in-thread' : 'writer thread';
    const p = await paced(inline);
    const rate = await ingest(inline);
    console.log(
      `round ${round} ${name.padEnd(13)} paced commit ms: ${fmt(p.commit)} | event loop delay ms: ${fmt(p.loop)} | ingest ${Math.round(rate)} msg/s`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
