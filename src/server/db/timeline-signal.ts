// How instances tell each other that a task timeline entry was committed: alone nobody needs telling (the writer
// publishes directly); on PostgreSQL a doorbell, after which every instance reads `task_events` after its last id.

export interface TimelineSignal {
  /** True when other instances write to and read the same timeline table. */
  readonly shared: boolean;
  /** Tells every instance that new timeline entries were committed. */
  ring(): Promise<void>;
  /**
   * Calls `listener` on every ring from any instance, after the doorbell's connection (re)connects and every few
   * seconds as a safety net, so a lost ring delays an entry but never loses it. Returns the unsubscribe function.
   */
  onRing(listener: () => void): () => void;
}

export const SOLE_TIMELINE_SIGNAL: TimelineSignal = {
  shared: false,
  async ring() {},
  onRing() {
    return () => {};
  },
};
