// The writer thread: owns its own connection to the database file and commits the message groups the repository
// sends it, so the main thread's event loop keeps delivering while a group waits for fsync.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { NewMessage } from './repository';
import { messageWriter } from './sqlite-message-writer';
import { IDLE, REQUESTED, STATE, type WalOptions } from './wal-control';

export interface WriterData {
  path: string;
  control: SharedArrayBuffer;
  wal: WalOptions;
}

export type ToWriter = { type: 'commit'; batch: NewMessage[] } | { type: 'close' };
export type FromWriter =
  | { type: 'ready' }
  | { type: 'done'; outcomes: ReturnType<ReturnType<typeof messageWriter>> }
  | { type: 'failed'; error: { name: string; message: string; code?: string } }
  | { type: 'closed' };

const { path, control, wal } = workerData as WriterData;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
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
function letWalRestart(): void {
  let size: number;
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

port.on('message', (msg: ToWriter) => {
  if (msg.type === 'close') {
    sqlite.close();
    port.postMessage({ type: 'closed' } satisfies FromWriter);
    port.close();
    return;
  }
  let reply: FromWriter;
  try {
    reply = { type: 'done', outcomes: write(msg.batch) };
  } catch (error) {
    const e = error as { name?: string; message?: string; code?: string };
    reply = {
      type: 'failed',
      error: { name: e.name ?? 'Error', message: e.message ?? String(error), code: e.code },
    };
  }
  port.postMessage(reply);
  letWalRestart();
});
port.postMessage({ type: 'ready' } satisfies FromWriter);
