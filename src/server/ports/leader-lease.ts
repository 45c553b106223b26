// A role only one instance may hold at a time (the agents' mention router, the Telegram bridge). With one
// process (SQLite) it is simply this one; on PostgreSQL a leader lock decides.

export interface LeaderLease {
  /** Calls `lead` once this instance holds the role (at once when it is alone); `resign` if it loses it. */
  run(lead: () => Promise<void>, resign: () => Promise<void>): Promise<void>;
  readonly isLeader: boolean;
  /** True when other instances compete for the role (a cluster), false when this process is alone. */
  readonly shared: boolean;
  /** Throws RoleLostError unless this instance still holds the role: before something that cannot be taken back. */
  confirm(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A write or send for a role refused because this instance no longer holds it (a stale leader: its lock is gone and
 * another instance may hold the role already). Whoever gets it stops at once; the role resigns by itself.
 */
export class RoleLostError extends Error {
  constructor(
    readonly role: string,
    options?: ErrorOptions,
  ) {
    super(`this instance no longer holds the ${role} role`, options);
    this.name = 'RoleLostError';
  }
}

/** The one-process case: always the leader. */
export class SoleInstance implements LeaderLease {
  private leading = false;
  readonly shared = false;

  get isLeader(): boolean {
    return this.leading;
  }

  async run(lead: () => Promise<void>, _resign: () => Promise<void>): Promise<void> {
    // Alone, the role is never lost: the caller's own shutdown stops what `lead` started.
    this.leading = true;
    await lead();
  }

  async confirm(): Promise<void> {}

  async close(): Promise<void> {
    this.leading = false;
  }
}
