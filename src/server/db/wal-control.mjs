// The shared-memory words by which the writer thread asks the checkpointer thread to let the WAL restart, and by
// which the repository stops the checkpointer (a SharedArrayBuffer all three threads see). Types: wal-control.d.mts.
export const WAL_CONTROL_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

/** Index of the restart request's state. */
export const STATE = 0;
/** Index set to 1 to stop the checkpointer. */
export const STOP = 1;

export const IDLE = 0;
/** The writer found the WAL over its limit and waits (bounded) before its next transaction. */
export const REQUESTED = 1;
/** The checkpointer copied every frame back: the writer's next transaction starts the WAL over. */
export const CAUGHT_UP = 2;

export const DEFAULT_WAL_OPTIONS = {
  checkpointIntervalMs: 1000,
  walLimitBytes: 16 * 1024 * 1024,
  restartWaitMs: 500,
};
