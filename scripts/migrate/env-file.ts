// Edits dotenv text in place: changes only the lines of the keys it sets (or appends them), so every other
// line, comment, blank line and the line-ending style stay exactly as they were.
import { parseEnv } from 'node:util';

const assignment = (key: string) => new RegExp(`^(\\s*(?:export\\s+)?${key}\\s*=)(.*)$`);

/** The values a dotenv text sets, as the server's loader (process.loadEnvFile) reads them. */
export function readEnv(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/**
 * Sets each key to its value; unchanged text comes back when every key already has that value. Keys not in the
 * text are appended under a comment naming `by`, the command that added them.
 */
export function setEnvValues(
  text: string,
  values: Record<string, string>,
  by = 'npm run migrate:websocket',
): string {
  const current = readEnv(text);
  if (Object.entries(values).every(([key, value]) => current[key] === value)) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  // A trailing newline leaves one empty last element: keep it aside and put it back at the end.
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const appended: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (current[key] === value) continue;
    const pattern = assignment(key);
    // The last assignment wins when a key repeats, so that is the one to change.
    let index = -1;
    lines.forEach((line, i) => {
      if (pattern.test(line)) index = i;
    });
    if (index >= 0) {
      lines[index] = (lines[index] as string).replace(pattern, (_, head: string, rest: string) => {
        // Keep an inline "# comment" after an unquoted value.
        const comment = /^\s*[^'"#\s][^#]*?(\s+#.*)$/.exec(rest)?.[1] ?? '';
        return `${head}${value}${comment}`;
      });
    } else appended.push(`${key}=${value}`);
  }
  if (appended.length > 0) {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
    lines.push(`# Added by ${by}`, ...appended);
  }
  return lines.join(eol) + (trailing || appended.length > 0 || text === '' ? eol : '');
}
