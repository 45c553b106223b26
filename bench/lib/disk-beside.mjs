// The disk's own commits measured at the same time as a round (`--trace --disk-beside`): a worker thread of the
// bench commits single-row INSERTs (WAL, synchronous=FULL) at a fixed rate in the directory of the bench databases
// until told to stop, and answers every commit as [start on the wall clock, ms]. A slow commit of the server can
// then be set against what the disk did in the same milliseconds. Plain JavaScript: a worker thread loads it without
// the bench's TypeScript loader.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { perSecond } = workerData;
const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-beside-'));
const db = new Database(join(dir, 'beside.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO t (text) VALUES (?)');
const commits = [];
let stopped = false;
parentPort.on('message', () => {
  stopped = true;
});
const interval = 1000 / perSecond;
const start = performance.now();
let i = 0;
const tick = () => {
  if (stopped) {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    parentPort.postMessage(commits);
    parentPort.close();
    return;
  }
  const t0 = performance.now();
  insert.run(`beside ${i}`);
  commits.push([performance.timeOrigin + t0, performance.now() - t0]);
  i++;
  setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
};
parentPort.postMessage('ready');
tick();
