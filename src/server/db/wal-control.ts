// The few shared-memory words by which the writer thread asks the checkpointer thread to let the WAL restart, and
// by which the repository stops the checkpointer: a SharedArrayBuffer both threads and the main thread can see.
export const WAL_CONTROL_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

/** Index 0: the state of a restart request; index 1: set to 1 to stop the checkpointer. */
export const STATE = 0;
export const STOP = 1;

export const IDLE = 0;
/** The writer found the WAL over its limit and waits (bounded) before its next transaction. */
export const REQUESTED = 1;
/** The checkpointer copied every frame back: the writer's next transaction starts the WAL over. */
export const CAUGHT_UP = 2;

export interface WalOptions {
  /** How often the checkpointer looks for new commits to copy back (a PASSIVE checkpoint when there are some). */
  checkpointIntervalMs: number;
  /**
   * The WAL size (journal_size_limit) beyond which the writer waits, at most `restartWaitMs`, for a checkpoint that
   * lets the WAL start over; without it a writer that never pauses would grow the WAL for ever.
   */
  walLimitBytes: number;
  restartWaitMs: number;
}

export const DEFAULT_WAL_OPTIONS: WalOptions = {
  checkpointIntervalMs: 1000,
  walLimitBytes: 16 * 1024 * 1024,
  restartWaitMs: 500,
};
