// Turns the AGENT_WORKER_COMMAND template into argv: split once like a shell would (quotes, backslashes), then
// fill placeholders inside each entry. The result goes to spawn() as an array, never through a shell.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_WORKER_COMMAND = 'opencode run --model {model} {prompt}';

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

/** Replaces {name} placeholders in each word; a value never splits into more words, whatever it contains. */
export function fillTemplate(words: string[], values: Record<string, string>): string[] {
  return words.map((word) =>
    word.replace(
      /\{([a-z_]+)\}/gi,
      (whole, key: string) => values[key] ?? values[key.toLowerCase()] ?? whole,
    ),
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
