// Starts and stops the checkpointer thread of a database file (see wal-checkpointer-thread.mjs), and says when it
// died: without it the WAL would only grow.
import type { Worker } from 'node:worker_threads';
import { startThread } from './sqlite-writer';
import { STATE, STOP, type WalOptions } from './wal-control.mjs';

export class WalCheckpointer {
  readonly worker: Worker;
  private stopping = false;
  private stopped: Error | null = null;
  private readonly exited: Promise<void>;
  private readonly listeners: ((error: Error) => void)[] = [];

  constructor(
    path: string,
    private readonly control: SharedArrayBuffer,
    wal: WalOptions,
  ) {
    this.worker = startThread('./wal-checkpointer-thread.mjs', { path, control, wal });
    // It never keeps the process alive by itself (a script that forgot close() still ends).
    this.worker.unref();
    this.worker.on('error', (error) => this.fail(error.message));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.stopping) this.fail(`exit code ${code}`);
        resolve();
      });
    });
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = new Error(
      `the WAL checkpointer thread stopped (${reason}): the WAL file will grow until restart`,
    );
    for (const listener of this.listeners) listener(this.stopped);
  }

  get failure(): Error | null {
    return this.stopped;
  }

  onFailure(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.worker.ref();
    const words = new Int32Array(this.control);
    Atomics.store(words, STOP, 1);
    Atomics.notify(words, STATE);
    await this.exited;
  }
}
