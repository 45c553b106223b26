// Runs async steps one at a time in call order (transport switches, role changes, recovery); a step that fails
// does not block the next.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(step);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Resolves once every step queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
