// Text from other people made safe to print on a terminal: control characters (C0 with ESC, DEL, C1 with CSI)
// and bidirectional overrides are shown as escapes, so a message cannot move the cursor, retitle the window,
// ring the bell, fake a new line or reorder what is shown.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** What JSON.stringify leaves raw but a terminal obeys: DEL, C1 (CSI among them), line separators, bidi. */
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const JSON_RAW_UNSAFE_ALL = new RegExp(JSON_RAW_UNSAFE.source, 'g');

/** A JSON log line safe for a terminal and still the same JSON: those characters become \u escapes. */
export function terminalSafeJson(line: string): string {
  if (!JSON_RAW_UNSAFE.test(line)) return line;
  return line.replace(
    JSON_RAW_UNSAFE_ALL,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
