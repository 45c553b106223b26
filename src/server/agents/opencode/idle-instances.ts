// When opencode's instance for a directory goes: opencode keeps one per directory it has worked in (watchers, LSP,
// file index: ~45 MB each) and every task works in its own worktree, so an instance nobody uses any more is disposed
// after an idle time; a run that comes back before then keeps it.
export class IdleInstances {
  /** Directories no followed session works in any more, with the timer that will dispose their instance. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly idleMs: number,
    private readonly dispose: (dir: string) => void,
  ) {}

  /** A followed session works in `dir` (again): its instance stays. */
  keep(dir: string): void {
    const timer = this.timers.get(dir);
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(dir);
  }

  /** The last followed session in `dir` ended: its instance is disposed after the idle time. */
  idle(dir: string): void {
    this.keep(dir);
    const timer = setTimeout(() => {
      this.timers.delete(dir);
      this.dispose(dir);
    }, this.idleMs);
    timer.unref();
    this.timers.set(dir, timer);
  }

  /** Forgets every pending disposal (the server is stopping). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
