// Search benchmark (issue 19): chat search latency over a large stored conversation on SQLite (FTS5, through the
// repository's real search), and what keeping the index in step costs each write — the same writes with and
// without the index's triggers, in the same run: the ingest row's senders through the project's server (what a
// person sees), and the bare INSERT (the indexing's own CPU).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../../src/server/db/client';
import type { SearchRequest } from '../../src/server/db/search';
import { searchIndexer } from '../../src/server/db/sqlite-message-writer.mjs';
import { SqliteRepository } from '../../src/server/db/sqlite-repository';
import { driverFor } from './drivers';
import { ingest, type ScenarioResult } from './scenarios';
import { startProject } from './servers';
import { percentile } from './stats';

export interface SearchBenchOptions {
  /** Messages stored before searching (1,000,000 in the full run). */
  stored: number;
  /** Timed searches (after a warm-up of a tenth as many). */
  queries: number;
  /** Messages sent per ingest run (the ingest row's), with and without the index. */
  ingest: number;
  log?: (line: string) => void;
}

const VOCABULARY = 20_000;
const SENDERS = 40;
const FTS_TRIGGERS = ['messages_fts_update', 'messages_fts_delete'];

/** A small deterministic generator (mulberry32): the same corpus and queries every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'de',
  'pa',
  'zu',
  'ge',
  'bri',
  'tor',
  'fen',
  'dal',
];

/** Word of rank r: pronounceable, distinct, a few with accents (the tokenizer folds them). */
export function word(rank: number): string {
  let w = '';
  let n = rank + 16;
  while (n > 0) {
    w += SYLLABLES[n % 16];
    n = Math.floor(n / 16);
  }
  return rank % 97 === 0 ? `${w}é` : w;
}

/** Words drawn by Zipf's law (s = 1), as words are in real text: a few very common, a long tail of rare ones. */
function zipf(rand: () => number): () => number {
  const cumulative = new Float64Array(VOCABULARY);
  let sum = 0;
  for (let r = 0; r < VOCABULARY; r++) {
    sum += 1 / (r + 1);
    cumulative[r] = sum;
  }
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function messageText(rand: () => number, rank: () => number): string {
  const length = 4 + Math.floor(rand() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(word(rank()));
  return words.join(' ');
}

/** Fills a migrated database file with `count` messages in large transactions, indexed as the writer does it. */
export function fill(file: string, count: number, log: (line: string) => void): void {
  openSqlite(file).sqlite.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at)
     VALUES (?, ?, 'user', '[]', 0, '[]', 'api', ?)`,
  );
  const rand = random(1);
  const rank = zipf(rand);
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const step = (700 * 86_400_000) / count;
  const index = searchIndexer(db);
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const text = messageText(rand, rank);
      const sender = `user${i % SENDERS}`;
      index(
        Number(insert.run(text, sender, new Date(start + i * step).toISOString()).lastInsertRowid),
        text,
        sender,
      );
    }
  });
  const t0 = performance.now();
  for (let from = 0; from < count; from += 50_000) {
    chunk(from, Math.min(count, from + 50_000));
    if ((from / 50_000) % 4 === 3) log(`  search bench: ${from + 50_000} messages stored`);
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  log(`  search bench: ${count} messages stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The searches people make: mostly one or two words of any frequency, some with a sender filter. */
export function queries(count: number): SearchRequest[] {
  const rand = random(2);
  const pick = () => Math.floor(rand() ** 2 * VOCABULARY);
  return Array.from({ length: count }, (_, i) => {
    const words = i % 3 === 1 ? [word(pick()), word(pick())] : [word(pick())];
    return {
      words,
      from: i % 5 === 4 ? `user${i % SENDERS}` : null,
      before: null,
      after: null,
      inThread: false,
      limit: 20,
      cursor: null,
      viewer: 'bench',
    };
  });
}

async function timeSearches(repo: SqliteRepository, list: SearchRequest[]): Promise<number[]> {
  const times: number[] = [];
  for (const request of list) {
    const t0 = performance.now();
    await repo.search(request);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/**
 * A migrated database file, with or without the search index: without, its table and triggers are dropped, so the
 * writer (which indexes new messages itself when the table exists) writes messages only.
 */
function databaseFile(file: string, withIndex: boolean): string {
  openSqlite(file).sqlite.close();
  if (!withIndex) {
    const db = new Database(file);
    for (const t of FTS_TRIGGERS) db.exec(`DROP TRIGGER ${t}`);
    db.exec('DROP TABLE messages_fts');
    db.close();
  }
  return file;
}

/** The ingest row's run (10 senders through the project's server, committed) on a database with or without the index. */
async function serverIngest(file: string, messages: number): Promise<number> {
  const server = await startProject({ DATABASE_URL: file });
  const driver = driverFor('project', [server.wsUrl], (user) => server.token(user));
  try {
    const result = await ingest(driver, { senders: 10, messages, warmup: messages * 0.2 });
    return result.figures['messages/s'] as number;
  } finally {
    await driver.close();
    await server.stop();
  }
}

/** The indexing's own CPU cost: the same rows inserted in one transaction (no fsync to hide it), µs per row. */
function bulkInsert(file: string, count: number): number {
  const rand = random(3);
  const rank = zipf(rand);
  const texts = Array.from({ length: count }, () => messageText(rand, rank));
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command_args, origin, created_at)
     VALUES (?, 'bench', 'user', '[]', 0, '[]', 'api', '2026-01-01T00:00:00.000Z')`,
  );
  const index = searchIndexer(db);
  const t0 = performance.now();
  db.transaction(() => {
    for (const text of texts) index(Number(insert.run(text).lastInsertRowid), text, 'bench');
  })();
  const us = ((performance.now() - t0) / count) * 1000;
  db.close();
  return us;
}

/** The stored corpus is built once per process (a million rows take minutes) and reused by every round. */
let corpus: { dir: string; file: string; stored: number } | null = null;
process.once('exit', () => {
  if (corpus) rmSync(corpus.dir, { recursive: true, force: true });
});

export async function searchBench(o: SearchBenchOptions): Promise<ScenarioResult> {
  const log = o.log ?? (() => {});
  const from = performance.timeOrigin + performance.now();
  if (corpus?.stored !== o.stored) {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-search-'));
    corpus = { dir, file: join(dir, 'search.db'), stored: o.stored };
    fill(corpus.file, o.stored, log);
  }
  const repo = SqliteRepository.open(corpus.file);
  await repo.ready();
  let times: number[];
  let commonest: number[];
  try {
    await timeSearches(repo, queries(Math.ceil(o.queries / 10)));
    times = await timeSearches(repo, queries(o.queries));
    // The worst case: the most frequent word (in about 1 message in 6).
    commonest = await timeSearches(
      repo,
      queries(20).map((q) => ({ ...q, words: [word(0)], from: null })),
    );
  } finally {
    await repo.close();
  }
  // The ingest row with and without the index's triggers, alternating, twice each: the medians' ratio is its cost.
  const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-search-ingest-'));
  try {
    const rate = { with: [] as number[], without: [] as number[] };
    const cpu = { with: [] as number[], without: [] as number[] };
    for (let round = 0; round < 2; round++) {
      for (const withIndex of [false, true]) {
        const key = withIndex ? 'with' : 'without';
        rate[key].push(
          await serverIngest(databaseFile(join(dir, `ingest-${round}-${key}.db`), withIndex), o.ingest),
        );
        cpu[key].push(bulkInsert(databaseFile(join(dir, `bulk-${round}-${key}.db`), withIndex), o.ingest));
        log(
          `  search bench: ingest ${key} the index ${rate[key].at(-1)} msgs/s, insert ${cpu[key].at(-1)?.toFixed(1)} µs`,
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      figures: {
        'p50 ms': percentile(times, 50),
        'p99 ms': percentile(times, 99),
        'max ms': times.at(-1) ?? Number.NaN,
        'commonest word p50 ms': percentile(commonest, 50),
        'ingest msgs/s': mean(rate.with),
        'ingest msgs/s no index': mean(rate.without),
        // Throughput lost to the index, in percent of the throughput without it.
        'ingest cost %': (1 - mean(rate.with) / mean(rate.without)) * 100,
        'insert µs': mean(cpu.with),
        'insert µs no index': mean(cpu.without),
      },
      sequence: { lost: 0, duplicated: 0, reordered: 0 },
      timing: { from, to: performance.timeOrigin + performance.now() },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
