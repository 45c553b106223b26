// Turns the AGENT_WORKER_COMMAND template into argv: split once like a shell would (quotes, backslashes), then
// fill placeholders inside each entry. The result goes to spawn() as an array, never through a shell.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** A word of its own in the template: the command reads help from stdin, so stdin stays open (else closed). */
export const STDIN_HELP = '{stdin_help}';

/** Values people choose (through a task or a hire) that fill the template: checked before they become argv. */
const USER_VALUES = ['model', 'mode', 'name', 'role', 'task'];

export class CommandTemplateError extends Error {
  override name = 'CommandTemplateError';
}

/** Splits a command line into words: whitespace separates; '…' is literal; "…" and bare words honour \ escapes. */
export function splitCommand(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < template.length) word += template[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < template.length) word += template[++i];
      else word += c;
    }
  }
  if (quote) throw new CommandTemplateError(`AGENT_WORKER_COMMAND has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandTemplateError('AGENT_WORKER_COMMAND is empty');
  return words;
}

/**
 * Replaces {name} placeholders in each word; a value never splits into more words, whatever it contains. A
 * value from people never starts with "-" (it could be read as an option): the task text loses leading dashes,
 * any other such value is refused.
 */
export function fillTemplate(words: string[], values: Record<string, string>): string[] {
  const safe: Record<string, string> = { ...values };
  for (const key of USER_VALUES) {
    const value = safe[key];
    if (value === undefined) continue;
    if (key === 'task') safe[key] = value.replace(/^[\s-]+/, '');
    else if (value.startsWith('-'))
      throw new CommandTemplateError(`the ${key} "${value.slice(0, 40)}" must not start with "-"`);
  }
  return words.map((word) =>
    word.replace(/\{([a-z_]+)\}/gi, (whole, key: string) => safe[key] ?? safe[key.toLowerCase()] ?? whole),
  );
}

/** Where `command` would be found (PATH search, or relative to `cwd` when it contains a slash); null if nowhere. */
export function findExecutable(command: string, cwd: string, path = process.env.PATH ?? ''): string | null {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
