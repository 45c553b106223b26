// The disk's own commit latency, measured beside the paced figures so a reader can tell the disk from the code: a
// single-row INSERT per transaction at a fixed rate, WAL and synchronous=FULL as the project opens its database
// (default autocheckpoint), in the directory the project's bench databases live in. No server involved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { ScenarioResult } from './scenarios';
import { percentile } from './stats';

export async function diskFsync(o: { perSecond: number; seconds: number }): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-fsync-'));
  const db = new Database(join(dir, 'fsync.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (text) VALUES (?)');
    const count = o.perSecond * o.seconds;
    const times = new Float64Array(count);
    const from = performance.timeOrigin + performance.now();
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = start + (i * 1000) / o.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const t0 = performance.now();
      insert.run(`bench ${i}`);
      times[i] = performance.now() - t0;
    }
    const sorted = Array.from(times.sort());
    return {
      figures: {
        'p50 ms': percentile(sorted, 50),
        'p99 ms': percentile(sorted, 99),
        'p99.9 ms': percentile(sorted, 99.9),
        'max ms': sorted.at(-1) ?? Number.NaN,
      },
      sequence: { lost: 0, duplicated: 0, reordered: 0 },
      timing: { from, to: performance.timeOrigin + performance.now() },
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
