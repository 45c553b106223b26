// Typing events, limited per person and coalesced: every keystroke burst of every client would otherwise become
// an event for every subscriber (4,000 setTyping calls from one user grew the server by gigabytes).

export interface TypingGateOptions {
  /** Least time between two events of one person: at most 1000 / gapMs events a second. */
  gapMs: number;
  /** A repeat of the state last sent is dropped within this time (clients refresh "typing" every 2 s). */
  repeatMs: number;
}

export const DEFAULT_TYPING_GATE: TypingGateOptions = { gapMs: 250, repeatMs: 1_000 };

/** People tracked before idle entries are swept. */
const SWEEP_ABOVE = 1_000;

interface TypingState {
  sent: boolean;
  at: number;
  /** The latest state asked for inside the gap, sent when the gap ends. */
  next: boolean | null;
  timer: NodeJS.Timeout | null;
}

export class TypingGate {
  private readonly users = new Map<string, TypingState>();

  constructor(
    private readonly publish: (user: string, isTyping: boolean) => void,
    private readonly options: TypingGateOptions = DEFAULT_TYPING_GATE,
  ) {}

  set(user: string, isTyping: boolean): void {
    const now = Date.now();
    const state = this.users.get(user);
    if (!state) {
      if (this.users.size >= SWEEP_ABOVE) this.sweep(now);
      this.users.set(user, { sent: isTyping, at: now, next: null, timer: null });
      this.publish(user, isTyping);
      return;
    }
    if (state.timer) {
      state.next = isTyping;
      return;
    }
    if (isTyping === state.sent && now - state.at < this.options.repeatMs) return;
    if (now - state.at >= this.options.gapMs) {
      this.send(user, state, isTyping, now);
      return;
    }
    // A change inside the gap: whatever the person's state is when it ends goes out, once.
    state.next = isTyping;
    state.timer = setTimeout(() => this.flush(user, state), state.at + this.options.gapMs - now);
    state.timer.unref();
  }

  /** Forgets a person (their last connection closed; presence says they stopped typing). */
  forget(user: string): void {
    const state = this.users.get(user);
    if (state?.timer) clearTimeout(state.timer);
    this.users.delete(user);
  }

  close(): void {
    for (const user of [...this.users.keys()]) this.forget(user);
  }

  /** Entries past both windows change nothing (the next event would go out anyway): dropped, so many ids cost little. */
  private sweep(now: number): void {
    const idle = Math.max(this.options.gapMs, this.options.repeatMs);
    for (const [user, state] of this.users)
      if (!state.timer && now - state.at >= idle) this.users.delete(user);
  }

  private flush(user: string, state: TypingState): void {
    state.timer = null;
    const next = state.next;
    state.next = null;
    if (next !== null && next !== state.sent) this.send(user, state, next, Date.now());
  }

  private send(user: string, state: TypingState, isTyping: boolean, now: number): void {
    state.sent = isTyping;
    state.at = now;
    this.publish(user, isTyping);
  }
}
