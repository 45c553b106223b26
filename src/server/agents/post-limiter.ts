// Anti-spam for unsolicited agent posts (help offers, progress): at most N per hour and one per interval, per
// agent. Synchronous and checked as a whole, so a post refused by one window does not use up the other.

export interface PostLimits {
  perHour: number;
  minIntervalMs: number;
}

export class PostLimiter {
  private readonly sent = new Map<string, number[]>();
  /** Posts refused so far, per agent. */
  readonly dropped = new Map<string, number>();

  constructor(
    private readonly limits: PostLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records and allows the post, or counts it as dropped and returns false. */
  take(agent: string): boolean {
    const at = this.now();
    const recent = (this.sent.get(agent) ?? []).filter((t) => at - t < 3_600_000);
    const last = recent[recent.length - 1];
    const ok =
      recent.length < this.limits.perHour && (last === undefined || at - last >= this.limits.minIntervalMs);
    if (ok) recent.push(at);
    else this.dropped.set(agent, (this.dropped.get(agent) ?? 0) + 1);
    this.sent.set(agent, recent);
    return ok;
  }

  get droppedTotal(): number {
    let total = 0;
    for (const n of this.dropped.values()) total += n;
    return total;
  }
}
