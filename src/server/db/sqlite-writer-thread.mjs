// The writer thread: owns its own connection to the database file and commits the message groups the repository
// sends it, so the main thread's event loop keeps delivering while a group waits for fsync. Plain JavaScript: see
// sqlite-message-writer.mjs; its messages are typed in sqlite-writer.ts.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { messageWriter } from './sqlite-message-writer.mjs';
import { IDLE, REQUESTED, STATE } from './wal-control.mjs';

const { path, control, wal } = workerData;
const port = parentPort;
const state = new Int32Array(control);
const walPath = `${path}-wal`;

const sqlite = new Database(path);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = FULL');
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('foreign_keys = ON');
// Checkpoints are the checkpointer thread's: none may run inside a commit here.
sqlite.pragma('wal_autocheckpoint = 0');
// When the WAL starts over, a file grown past this is truncated back to it.
sqlite.pragma(`journal_size_limit = ${wal.walLimitBytes}`);
const write = messageWriter(sqlite);

/**
 * A writer that never pauses keeps the WAL from starting over (a PASSIVE checkpoint never catches up with it). Past
 * the limit, wait a bounded time for the checkpointer to catch up; the next transaction then restarts the WAL.
 */
function letWalRestart() {
  let size;
  try {
    size = statSync(walPath).size;
  } catch {
    return;
  }
  if (size <= wal.walLimitBytes) return;
  Atomics.store(state, STATE, REQUESTED);
  Atomics.notify(state, STATE);
  Atomics.wait(state, STATE, REQUESTED, wal.restartWaitMs);
  Atomics.store(state, STATE, IDLE);
}

port.on('message', (msg) => {
  if (msg.type === 'close') {
    sqlite.close();
    port.postMessage({ type: 'closed' });
    port.close();
    return;
  }
  let reply;
  try {
    reply = { type: 'done', result: write(msg.batch) };
  } catch (error) {
    reply = {
      type: 'failed',
      error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), code: error?.code },
    };
  }
  port.postMessage(reply);
  letWalRestart();
});
port.postMessage({ type: 'ready' });
