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
}

/** Starts measuring in this thread; `emit` receives each slice. Returns a stop function. */
export declare function startProbe(emit: (slice: ProbeSlice) => void): () => void;
