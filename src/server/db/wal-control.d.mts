// Types of wal-control.mjs (plain JavaScript: the worker threads load it without a TypeScript loader).
export const WAL_CONTROL_BYTES: number;
export const STATE: number;
export const STOP: number;
export const IDLE: number;
export const REQUESTED: number;
export const CAUGHT_UP: number;

export interface WalOptions {
  /** How often the checkpointer looks for new commits to copy back (a PASSIVE checkpoint when there are some). */
  checkpointIntervalMs: number;
  /**
   * The WAL size (journal_size_limit) beyond which the writer waits, at most `restartWaitMs`, for a checkpoint that
   * lets the WAL start over: a writer that never pauses would otherwise grow the WAL for ever.
   */
  walLimitBytes: number;
  restartWaitMs: number;
}

export const DEFAULT_WAL_OPTIONS: WalOptions;
