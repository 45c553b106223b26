// Who commits the message groups of a SQLite repository: in the calling thread for `:memory:` databases (a memory
// database cannot be shared with another thread), or a writer thread with its own connection for database files,
// so that waiting for fsync never stalls the event loop.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { NewMessage } from './repository';
import { messageWriter, type WriteOutcome } from './sqlite-message-writer';
import type { FromWriter, ToWriter, WriterData } from './sqlite-writer-thread';
import type { WalOptions } from './wal-control';

export interface MessageCommitter {
  /** Commits one group in one transaction; rejects only when the whole group rolled back. */
  commit(batch: NewMessage[]): Promise<WriteOutcome[]>;
  /** Set once the committer can no longer write (its thread died); every later commit rejects with it. */
  readonly failure: Error | null;
  onFailure(listener: (error: Error) => void): void;
  /** After the last commit settled: releases the connection or thread. */
  close(): Promise<void>;
}

/** The thread that commits stopped: nothing more can be saved until the server is restarted. */
export class WriterStoppedError extends Error {
  constructor(reason: string) {
    super(
      `the database writer thread stopped (${reason}): messages cannot be saved until the server restarts`,
    );
    this.name = 'WriterStoppedError';
  }
}

export class InlineCommitter implements MessageCommitter {
  private readonly write: (batch: NewMessage[]) => WriteOutcome[];
  readonly failure = null;

  constructor(sqlite: Database.Database) {
    this.write = messageWriter(sqlite);
  }

  async commit(batch: NewMessage[]): Promise<WriteOutcome[]> {
    return this.write(batch);
  }

  onFailure(): void {}

  async close(): Promise<void> {}
}

/** A better-sqlite3 error rebuilt on this side of the thread boundary (name, message and SQLITE_* code kept). */
function rebuilt(error: { name: string; message: string; code?: string }): Error {
  const e = new Error(error.message) as Error & { code?: string };
  e.name = error.name;
  if (error.code !== undefined) e.code = error.code;
  return e;
}

const THREAD_ENTRY = new URL('./ts-thread.mjs', import.meta.url);

/** Starts a TypeScript module of this folder as a worker thread. */
export function startThread(module: string, workerData: object): Worker {
  return new Worker(THREAD_ENTRY, {
    workerData: { ...workerData, module: new URL(module, import.meta.url).href },
  });
}

export class ThreadCommitter implements MessageCommitter {
  /** The thread; exposed for tests that need it to die as a crash would. */
  readonly worker: Worker;
  /** Commits sent and not answered yet, answered in order (the thread handles one message at a time). */
  private readonly waiting: { resolve: (o: WriteOutcome[]) => void; reject: (e: Error) => void }[] = [];
  private stopped: Error | null = null;
  private closing = false;
  private readonly listeners: ((error: Error) => void)[] = [];
  readonly ready: Promise<void>;
  private readonly exited: Promise<void>;

  constructor(path: string, control: SharedArrayBuffer, wal: WalOptions) {
    this.worker = startThread('./sqlite-writer-thread.ts', { path, control, wal } satisfies WriterData);
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    // Nobody may be left with an unhandled rejection if the thread dies before anyone awaits ready.
    this.ready.catch(() => {});
    this.worker.on('message', (msg: FromWriter) => {
      if (msg.type === 'ready') markReady();
      else if (msg.type === 'done') this.waiting.shift()?.resolve(msg.outcomes);
      else if (msg.type === 'failed') this.waiting.shift()?.reject(rebuilt(msg.error));
    });
    this.worker.on('error', (error) => {
      this.fail(error.message);
      markFailed(this.stopped as Error);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(`exit code ${code}`);
        markFailed(this.stopped ?? new WriterStoppedError('closed'));
        resolve();
      });
    });
  }

  get failure(): Error | null {
    return this.stopped;
  }

  onFailure(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = new WriterStoppedError(reason);
    // Whatever the thread did not answer is unknown to have been written: its senders learn it failed (a retry
    // with the same clientId gets the stored copy if it was).
    for (const w of this.waiting.splice(0)) w.reject(this.stopped);
    for (const listener of this.listeners) listener(this.stopped);
  }

  commit(batch: NewMessage[]): Promise<WriteOutcome[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ type: 'commit', batch } satisfies ToWriter);
    });
  }

  async close(): Promise<void> {
    if (!this.stopped && !this.closing) {
      this.closing = true;
      this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    }
    await this.exited;
  }
}
