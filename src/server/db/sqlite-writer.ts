// Who commits the message groups of a SQLite repository: in the calling thread for `:memory:` databases (a memory
// database cannot be shared with another thread), or a writer thread with its own connection for database files,
// so that waiting for fsync never stalls the event loop.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import {
  ChangeRefusedError,
  DuplicateClientIdError,
  MissingReplyError,
  MissingThreadRootError,
} from './repository';
import {
  type GroupResult,
  messageWriter,
  type WriteItem,
  type WriteOutcome,
} from './sqlite-message-writer.mjs';
import type { WalOptions } from './wal-control.mjs';

/** What sqlite-writer-thread.mjs and wal-checkpointer-thread.mjs are started with. */
export interface ThreadData {
  path: string;
  control: SharedArrayBuffer;
  wal: WalOptions;
}

type ToWriter = { type: 'commit'; batch: WriteItem[] } | { type: 'close' };
type FromWriter =
  | { type: 'ready' }
  | { type: 'done'; result: GroupResult }
  | { type: 'failed'; error: { name: string; message: string; code?: string } }
  | { type: 'closed' };

type Refusal = Extract<
  WriteOutcome,
  { duplicateOf: unknown } | { missingReply: unknown } | { missingRoot: unknown } | { refused: unknown }
>;

/** Whether the writer refused the entry (rather than writing it or finding nothing to change). */
export function isRefusal(outcome: WriteOutcome): outcome is Refusal {
  return (
    typeof outcome === 'object' &&
    ('duplicateOf' in outcome ||
      'missingReply' in outcome ||
      'missingRoot' in outcome ||
      'refused' in outcome)
  );
}

/** The error a caller of appendMessage or applyChange sees for a refused entry (the same on either committer). */
export function refusal(outcome: Refusal): Error {
  if ('duplicateOf' in outcome) return new DuplicateClientIdError(outcome.duplicateOf);
  if ('missingReply' in outcome) return new MissingReplyError(outcome.missingReply);
  if ('missingRoot' in outcome) return new MissingThreadRootError(outcome.missingRoot);
  return new ChangeRefusedError(outcome.refused, outcome.id);
}

export interface MessageCommitter {
  /** Commits one group in one transaction; rejects only when the whole group rolled back. */
  commit(batch: WriteItem[]): Promise<GroupResult>;
  /** Groups that may be handed over before the first is answered (a thread keeps the next one ready). */
  readonly maxInFlight: number;
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
  private readonly write: (batch: WriteItem[]) => GroupResult;
  readonly failure = null;
  readonly maxInFlight = 1;

  constructor(sqlite: Database.Database) {
    this.write = messageWriter(sqlite);
  }

  async commit(batch: WriteItem[]): Promise<GroupResult> {
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

/**
 * Starts a thread module of this folder. Plain JavaScript, and without the parent's flags (tsx's loader would take
 * a second to start in each thread for nothing).
 */
export function startThread(module: string, workerData: ThreadData): Worker {
  return new Worker(new URL(module, import.meta.url), { workerData, execArgv: [] });
}

export class ThreadCommitter implements MessageCommitter {
  /** The thread; exposed for tests that need it to die as a crash would. */
  readonly worker: Worker;
  /** Commits sent and not answered yet, answered in order (the thread handles one message at a time). */
  private readonly waiting: { resolve: (result: GroupResult) => void; reject: (e: Error) => void }[] = [];
  private stopped: Error | null = null;
  private closing = false;
  // The next group waits in the thread's queue while one commits: no round trip between two commits.
  readonly maxInFlight = 2;
  private readonly listeners: ((error: Error) => void)[] = [];
  readonly ready: Promise<void>;
  private readonly exited: Promise<void>;

  constructor(path: string, control: SharedArrayBuffer, wal: WalOptions) {
    this.worker = startThread('./sqlite-writer-thread.mjs', { path, control, wal });
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
      else if (msg.type === 'done') this.waiting.shift()?.resolve(msg.result);
      else if (msg.type === 'failed') this.waiting.shift()?.reject(rebuilt(msg.error));
      // An idle writer does not keep the process alive (a script that forgot close() still ends); one with
      // commits to answer, or still starting, does.
      if (msg.type !== 'closed' && this.waiting.length === 0 && !this.closing) this.worker.unref();
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

  commit(batch: WriteItem[]): Promise<GroupResult> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.worker.ref();
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ type: 'commit', batch } satisfies ToWriter);
    });
  }

  async close(): Promise<void> {
    if (!this.stopped && !this.closing) {
      this.closing = true;
      this.worker.ref();
      this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    }
    await this.exited;
  }
}
