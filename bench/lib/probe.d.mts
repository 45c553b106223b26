// Types of ./probe.mjs (plain JavaScript, preloaded into the servers the bench starts).

export declare const PROBE_PREFIX: string;

/** One 100 ms slice: all times are ms; `t` is the slice's start on the wall clock (performance.timeOrigin + now). */
export interface ProbeSlice {
  /** Thread that measured it (0: main). */
  th: number;
  t: number;
  /** Longest event-loop delay seen in the slice (resolution 10 ms: delays below ~10 ms read as ~10). */
  loop: number;
  /** GC pauses that started in the slice: [start on the wall clock, duration, kind]. */
  gc: [number, number, number][];
  /** SQLite transactions (outermost only): count, total ms, longest ms, when the longest started. */
  tx: [number, number, number, number];
  /** Explicit checkpoints: [start, duration]. */
  ckpt: [number, number][];
  /** With BENCH_PROBE_TRACE=1: the bench messages' steps through the server (see TraceEvent). */
  ev?: TraceEvent[];
}

/**
 * A step of one bench message ("bench <seq>") in the server, wall-clock ms: its chat.send frame read; handed to the
 * writer thread (with the group's size); its group's transaction (start, total ms, body ms: the rest is BEGIN and
 * COMMIT with its fsync; group size; every seq of the group); the commit's answer back on the main thread; its
 * frames written to sockets in one slice (first, last, how many writes).
 */
export type TraceEvent =
  | ['in', number, number]
  | ['hand', number, number, number]
  | ['tx', number, number, number, number, number, number[]]
  | ['done', number, number]
  | ['w', number, number, number, number];

/** Starts measuring in this thread; `emit` receives each slice. Returns a stop function. */
export declare function startProbe(emit: (slice: ProbeSlice) => void): () => void;
