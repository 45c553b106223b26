// Splits message text into plain text, mentions, the leading /command and web links, for rendering as React
// elements (never HTML).
import { normalizeName } from '../../shared/parse';

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; text: string; name: string }
  | { kind: 'command'; text: string; name: string }
  | { kind: 'link'; text: string; href: string };

// Candidates only: a mention is highlighted when the server's parse (message.mentions) agrees it is one.
const TOKEN = /@([A-Za-z0-9][A-Za-z0-9_-]{0,63})|\bhttps?:\/\/[^\s<>"']+/g;
const COMMAND = /^(\s*)(\/([A-Za-z][A-Za-z0-9_-]{0,31})(?:@[A-Za-z0-9_]+)?)(?=\s|$)/;

/**
 * Only http(s) URLs become links; `javascript:` and friends stay text because they never match. `command` is the
 * server's parse (message.command): the text's leading `/command` is marked when it agrees.
 */
export function segmentText(text: string, mentions: readonly string[], command?: string | null): Segment[] {
  const out: Segment[] = [];
  const known = new Set(mentions);
  let last = 0;
  const leading = command ? COMMAND.exec(text) : null;
  if (command && leading?.[2] && leading[3]?.toLowerCase() === command) {
    if (leading[1]) out.push({ kind: 'text', text: leading[1] });
    out.push({ kind: 'command', text: leading[2], name: command });
    last = leading[0].length;
  }
  const push = (segment: Segment) => {
    const previous = out[out.length - 1];
    if (segment.kind === 'text' && previous?.kind === 'text') previous.text += segment.text;
    else out.push(segment);
  };
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index < last) continue;
    const token = match[0];
    let segment: Segment | null = null;
    if (match[1] !== undefined) {
      const name = normalizeName(match[1]);
      const before = index > 0 ? (text[index - 1] as string) : '';
      if (known.has(name) && !/[\w.@-]/.test(before)) segment = { kind: 'mention', text: token, name };
    } else {
      // Trailing punctuation usually ends the sentence, not the URL.
      const href = token.replace(/[.,;:!?)\]]+$/, '');
      segment = { kind: 'link', text: href, href };
      if (index > last) push({ kind: 'text', text: text.slice(last, index) });
      push(segment);
      last = index + href.length;
      continue;
    }
    if (!segment) continue;
    if (index > last) push({ kind: 'text', text: text.slice(last, index) });
    push(segment);
    last = index + token.length;
  }
  if (last < text.length) push({ kind: 'text', text: text.slice(last) });
  return out;
}
