// Message parsing shared by server and client: mentions, commands. Word-boundary matching, never substrings.
import { type CommandSpec, commandUsage, findCommand } from './commands';

export interface ParsedText {
  mentions: string[];
  isCommand: boolean;
  command: string | null;
  commandArgs: string[];
}

// `@name` where the `@` starts a word: not preceded by a word character, `.`, `-` or another `@`, which rules out
// e-mail addresses (bob@example.com) and `@@x`. A name is a letter or digit followed by letters, digits, `-`, `_`.
const MENTION = /(?<![\w.@-])@([A-Za-z0-9][A-Za-z0-9_-]{0,63})(?![\w@-]*@)/g;
const COMMAND = /^\/([A-Za-z][A-Za-z0-9_-]{0,31})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

/** Normalises a mentioned name: lower case, trailing punctuation-like `-`/`_` and a trailing `-bot` removed. */
export function normalizeName(raw: string): string {
  let name = raw.toLowerCase().replace(/[-_]+$/, '');
  if (name.endsWith('-bot') && name.length > 4) name = name.slice(0, -4);
  return name;
}

export function parseMentions(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = normalizeName(match[1] ?? '');
    if (name) seen.add(name);
  }
  return [...seen];
}

export function parseCommand(text: string): Pick<ParsedText, 'isCommand' | 'command' | 'commandArgs'> {
  const trimmed = text.trimStart();
  const match = COMMAND.exec(trimmed);
  if (!match?.[1]) return { isCommand: false, command: null, commandArgs: [] };
  const rest = trimmed.slice(match[0].length).trim();
  return { isCommand: true, command: match[1].toLowerCase(), commandArgs: rest ? rest.split(/\s+/) : [] };
}

export function parseText(text: string): ParsedText {
  return { mentions: parseMentions(text), ...parseCommand(text) };
}

/** A slash command from the table, with its words, or why it cannot run (the usage line from the table). */
export type ResolvedCommand =
  | { ok: true; command: CommandSpec; args: string[] }
  | { ok: false; command: CommandSpec; error: string };

/**
 * Looks a typed `/command …` up in the one command table. Null when the text is not a command of the table
 * (plain text, or a `/word` the table does not know: that is sent as an ordinary message).
 */
export function resolveCommand(text: string): ResolvedCommand | null {
  const parsed = parseCommand(text);
  const command = parsed.command === null ? undefined : findCommand(parsed.command);
  if (!command) return null;
  if (parsed.commandArgs.length < command.minArgs)
    return { ok: false, command, error: `usage: ${commandUsage(command)}` };
  return { ok: true, command, args: parsed.commandArgs };
}
