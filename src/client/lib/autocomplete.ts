// Mention (`@name`) and command (`/cmd`) autocomplete: where the word being typed starts, which suggestions fit,
// and the text after picking one. Pure functions, so the input component and the tests share them.
import type { PresenceEntry } from '../../shared/activity';
import { type CommandSpec, commandUsage } from '../../shared/commands';

export interface Suggestion {
  /** What gets inserted after the trigger character. */
  value: string;
  label: string;
  detail: string;
  kind: 'user' | 'agent' | 'command';
}

export interface Trigger {
  kind: 'mention' | 'command';
  /** Index of the `@` or `/`. */
  start: number;
  query: string;
}

/** What the `/` list needs of a command from the shared table. */
export type Command = Pick<CommandSpec, 'name' | 'args' | 'description'>;

/** Finds the `@word` or leading `/word` that ends at the caret, if the caret is in one. */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const mention = /(?:^|[^\w.@-])@([A-Za-z0-9_-]*)$/.exec(before);
  if (mention)
    return { kind: 'mention', start: caret - (mention[1] ?? '').length - 1, query: mention[1] ?? '' };
  const command = /^\s*\/([A-Za-z0-9_-]*)$/.exec(before);
  if (command)
    return { kind: 'command', start: caret - (command[1] ?? '').length - 1, query: command[1] ?? '' };
  return null;
}

const STATUS_RANK = { idle: 0, working: 1, stuck: 2, offline: 3 } as const;

/** People and agents whose name starts with (then contains) the query; online first, agents before people. */
export function mentionSuggestions(
  query: string,
  users: PresenceEntry[],
  me: string | null,
  limit = 8,
): Suggestion[] {
  const q = query.toLowerCase();
  const score = (u: PresenceEntry) => {
    const name = u.name.toLowerCase();
    const match = name.startsWith(q) ? 0 : name.includes(q) ? 1 : 2;
    return [match, u.online ? 0 : 1, u.kind === 'agent' ? 0 : 1, STATUS_RANK[u.status ?? 'idle']] as const;
  };
  return users
    .filter((u) => u.name !== me && score(u)[0] < 2)
    .sort((a, b) => {
      const [sa, sb] = [score(a), score(b)];
      for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return (sa[i] as number) - (sb[i] as number);
      return a.name.localeCompare(b.name);
    })
    .slice(0, limit)
    .map((u) => ({
      value: u.name,
      label: u.name,
      kind: u.kind,
      detail:
        u.kind === 'agent'
          ? [u.role ?? 'agent', u.status ?? (u.online ? 'idle' : 'offline')].join(' · ')
          : u.online
            ? 'online'
            : 'offline',
    }));
}

export function commandSuggestions(query: string, commands: readonly Command[]): Suggestion[] {
  const q = query.toLowerCase();
  return commands
    .filter((c) => c.name.startsWith(q))
    .map((c) => ({
      value: c.name,
      label: `/${c.name}`,
      detail: `${commandUsage(c)} — ${c.description}`,
      kind: 'command',
    }));
}

/** Replaces the trigger word with the pick plus a space; returns the new text and where the caret goes. */
export function applySuggestion(
  text: string,
  caret: number,
  trigger: Trigger,
  suggestion: Suggestion,
): { text: string; caret: number } {
  const symbol = trigger.kind === 'mention' ? '@' : '/';
  const after = text.slice(caret);
  const insert = `${symbol}${suggestion.value}${after.startsWith(' ') ? '' : ' '}`;
  const next = text.slice(0, trigger.start) + insert + after;
  return { text: next, caret: trigger.start + insert.length + (after.startsWith(' ') ? 1 : 0) };
}
