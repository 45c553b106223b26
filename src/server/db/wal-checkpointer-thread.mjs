// The checkpointer thread: copies committed WAL frames back into the database file with PASSIVE checkpoints on its
// own connection (never waiting for, nor blocking, the writer or readers), and answers the writer's restart asks.
// Plain JavaScript (see sqlite-message-writer.mjs); started by wal-checkpointer.ts.
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CAUGHT_UP, REQUESTED, STATE, STOP } from './wal-control.mjs';

const { path, control, wal } = workerData;
const state = new Int32Array(control);

const sqlite = new Database(path);
sqlite.pragma('synchronous = FULL');
sqlite.pragma('wal_autocheckpoint = 0');
const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
const checkpoint = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');

let seen = -1;
while (Atomics.load(state, STOP) === 0) {
  // Wakes at the interval, at once when the writer asks, or when the repository stops it.
  const current = Atomics.load(state, STATE);
  if (current !== REQUESTED) Atomics.wait(state, STATE, current, wal.checkpointIntervalMs);
  if (Atomics.load(state, STOP) !== 0) break;
  const asked = Atomics.load(state, STATE) === REQUESTED;
  const version = dataVersion.get();
  if (version === seen && !asked) continue;
  seen = version;
  const { busy, log, checkpointed } = checkpoint.get();
  if (asked && busy === 0 && checkpointed === log) {
    Atomics.store(state, STATE, CAUGHT_UP);
    Atomics.notify(state, STATE);
  } else if (asked) {
    // A reader still holds an older snapshot: try again shortly (the writer's wait is bounded anyway).
    Atomics.wait(state, STOP, 0, 5);
  }
}
sqlite.close();
