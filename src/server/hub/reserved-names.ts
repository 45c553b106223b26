// Names no person may use: those of the AI agents (issue 14). Every entry point asks here (tRPC and REST
// sign-in, /legacy, Telegram display names), and the hub refuses a person's message sent under such a name, so
// `senderKind: 'agent'` and an agent's name stay the agents' own.
export class ReservedNames {
  /** `system` speaks for the server itself. */
  private readonly checks: ((lowerCaseName: string) => boolean)[] = [(name) => name === 'system'];

  /** Adds a source of reserved names (the agents' roster), asked with the name in lower case. */
  use(check: (lowerCaseName: string) => boolean): void {
    this.checks.push(check);
  }

  /** Case-insensitive, like agent names and mentions: `Alice` is `alice`. */
  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.checks.some((check) => check(lower));
  }
}

/** The sentence a person sees when the name they chose belongs to an agent. */
export function reservedNameMessage(name: string): string {
  return `${name} is the name of an AI employee here; people cannot use it: pick another name`;
}
