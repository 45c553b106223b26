// Test edge of the world: Telegram's HTML parse mode as its Bot API documents it — the tags it knows, the
// escapes it accepts, the nesting it allows — so tests can tell what Telegram would refuse ("can't parse entities").
export interface ParsedEntity {
  type: string;
  offset: number;
  length: number;
  language?: string;
  url?: string;
}

const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  blockquote: 'blockquote',
  'tg-spoiler': 'spoiler',
};
// Bold, italic, underline, strikethrough and spoiler may hold and be held by anything but pre and code.
const FREE = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);
const ESCAPES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Parses like Telegram does, or throws the reason Telegram would give. */
export function parseTelegramHtml(html: string): { text: string; entities: ParsedEntity[] } {
  let text = '';
  const entities: ParsedEntity[] = [];
  const open: { tag: string; entity: ParsedEntity }[] = [];
  let i = 0;
  while (i < html.length) {
    const char = html[i] as string;
    if (char === '&') {
      const match = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i));
      const name = match?.[1];
      if (!name) throw new Error(`can't parse entities: a lone "&" at byte ${i}`);
      if (name.startsWith('#x')) text += String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      else if (name.startsWith('#')) text += String.fromCodePoint(Number(name.slice(1)));
      else if (ESCAPES[name] !== undefined) text += ESCAPES[name];
      else throw new Error(`can't parse entities: unknown entity &${name};`);
      i += (match?.[0].length ?? 1) as number;
      continue;
    }
    if (char === '>') throw new Error(`can't parse entities: a raw ">" at ${i}`);
    if (char !== '<') {
      text += char;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) throw new Error(`can't parse entities: unclosed tag at ${i}`);
    const inside = html.slice(i + 1, end);
    i = end + 1;
    if (inside.startsWith('/')) {
      const name = inside.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (!top || top.tag !== name) throw new Error(`can't parse entities: unmatched end tag </${name}>`);
      top.entity.length = text.length - top.entity.offset;
      if (top.entity.length > 0 && !(top.entity.type === 'code' && open.at(-1)?.entity.type === 'pre'))
        entities.push(top.entity);
      continue;
    }
    const tag = /^([a-z-]+)\s*(.*)$/is.exec(inside);
    const name = tag?.[1]?.toLowerCase() ?? '';
    const type = TAGS[name];
    if (!type) throw new Error(`can't parse entities: unsupported start tag "${name}"`);
    const attrs = tag?.[2] ?? '';
    const entity: ParsedEntity = { type, offset: text.length, length: 0 };
    if (name === 'a') {
      const href = /^href="([^"]*)"$/.exec(attrs.trim())?.[1];
      if (href === undefined) throw new Error("can't parse entities: <a> needs href");
      entity.url = href
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      if (!/^(https?:\/\/|tg:\/\/|mailto:)/.test(entity.url))
        throw new Error(`unsupported URL "${entity.url}"`);
    }
    const parent = open.at(-1)?.entity;
    if (name === 'code' && parent?.type === 'pre') {
      const language = /^class="language-([^"]+)"$/.exec(attrs.trim())?.[1];
      if (language) parent.language = language;
    } else {
      for (const outer of open) {
        const a = outer.entity.type;
        if (a === 'pre' || a === 'code') throw new Error(`can't parse entities: <${name}> inside ${a}`);
        if (a === 'blockquote' && type === 'blockquote')
          throw new Error("can't parse entities: nested blockquote");
        if (a === 'blockquote' || (FREE.has(a) && FREE.has(type))) continue;
        if (FREE.has(a) && (type === 'code' || type === 'pre'))
          throw new Error(`can't parse entities: ${type} inside ${a}`);
        if (!FREE.has(a) && !FREE.has(type)) throw new Error(`can't parse entities: ${type} inside ${a}`);
      }
    }
    open.push({ tag: name, entity });
  }
  if (open.length > 0) throw new Error(`can't parse entities: <${open.at(-1)?.tag}> is never closed`);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}
