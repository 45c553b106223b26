// Our messages' Markdown (CommonMark + GFM) as a flat run of formatting tokens, for transports without Markdown:
// Telegram HTML (format.ts) and the plain text of /legacy frames. Parsed with mdast, never with regexes.
import type { Nodes, Parents, PhrasingContent, RootContent, TableRow } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/** The formatting a reader can see; the tag names are Telegram's HTML tags. */
export type Tag = 'b' | 'i' | 's' | 'code' | 'pre' | 'a' | 'blockquote';

export type Token =
  /** `attr`: a link's href or a code block's language, already checked. */
  | { t: 'open'; tag: Tag; attr?: string }
  | { t: 'close' }
  /** Raw text (not escaped): what a reader sees. */
  | { t: 'text'; text: string }
  /** Between two blocks: the best place to cut a long message. */
  | { t: 'break' };

interface Context {
  source: string;
  /** Link reference definitions: identifier -> url. */
  defs: Map<string, string>;
  /** The tags open at this point, outermost first. */
  open: { tag: Tag; attr?: string }[];
  listDepth: number;
}

// Telegram refuses some schemes (and javascript: must never become a link): anything else is shown as text.
const SAFE_URL = /^(https?:\/\/|mailto:|tg:\/\/)/i;
const LANGUAGE = /^[A-Za-z0-9_+#.-]{1,32}$/;

export function safeUrl(url: string): string | null {
  return SAFE_URL.test(url.trim()) ? url.trim() : null;
}

// Built once: making and combining the GFM extensions costs more than parsing a chat message.
const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

export function parseMarkdown(text: string) {
  return fromMarkdown(text, PARSE_OPTIONS);
}

/**
 * True when `text` has nothing Markdown would read as formatting (no marker, escape, entity, list or quote start,
 * indented code, link or autolink): it reads as it is typed. Most chat messages are such, and skip the parser.
 */
export function isPlainText(text: string): boolean {
  return !/[\\`*_~[\]<>#|&=+-]|^ {4}|^\s|\s$|^\s*\d+[.)]|\t|www\.|:\/\/|@/m.test(text);
}

/** What a node says as plain text (table cells, links shown without their target). */
export function nodeText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value;
    case 'break':
      return '\n';
    case 'image':
      return node.alt ?? '';
    case 'footnoteReference':
      return `[^${node.label ?? node.identifier}]`;
    default:
      return 'children' in node ? (node.children as Nodes[]).map(nodeText).join('') : '';
  }
}

/** The message as tokens: every text is raw, every open has its close, nesting follows Telegram's rules. */
export function markdownTokens(text: string): Token[] {
  if (isPlainText(text)) return text === '' ? [] : [{ t: 'text', text }];
  const root = parseMarkdown(text);
  const defs = new Map<string, string>();
  collectDefinitions(root, defs);
  const out: Token[] = [];
  blocks(root.children, { source: text, defs, open: [], listDepth: 0 }, out);
  return withoutEmptyTags(out);
}

/** Drops tags around nothing (left where formatting was closed around code): Telegram has no use for them. */
function withoutEmptyTags(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (token.t === 'close' && last?.t === 'open') out.pop();
    else out.push(token);
  }
  return out;
}

/** True when the message starts with a paragraph (so "alice: text" reads on one line). */
export function startsInline(tokens: Token[]): boolean {
  const first = tokens[0];
  return (
    first === undefined ||
    first.t === 'text' ||
    (first.t === 'open' && ['b', 'i', 's', 'a', 'code'].includes(first.tag))
  );
}

/** The plain text a reader sees: markers gone, code kept, a link's target after its label. */
export function markdownToPlain(text: string): string {
  if (isPlainText(text)) return text;
  const tokens = markdownTokens(text);
  let plain = '';
  const links: (string | undefined)[] = [];
  let label = '';
  for (const token of tokens) {
    if (token.t === 'text') {
      plain += token.text;
      if (links.length > 0) label += token.text;
    } else if (token.t === 'open') {
      links.push(token.tag === 'a' ? token.attr : undefined);
      if (token.tag === 'a') label = '';
    } else if (token.t === 'close') {
      const href = links.pop();
      // A link that shows its own target (an autolink: a url, www.…, an address) is not repeated.
      const shown = label.trim();
      if (href !== undefined && shown !== href && shown !== href.replace(/^(mailto:|https?:\/\/)/, ''))
        plain += ` (${href})`;
    }
  }
  return plain;
}

function collectDefinitions(node: Nodes, defs: Map<string, string>): void {
  if (node.type === 'definition') defs.set(node.identifier, node.url);
  if ('children' in node) for (const child of node.children as Nodes[]) collectDefinitions(child, defs);
}

/** Sibling blocks, separated as in the source: one newline, or a blank line where the writer left one. */
function blocks(nodes: RootContent[], ctx: Context, out: Token[]): void {
  const shown = nodes.filter((n) => n.type !== 'definition');
  shown.forEach((node, i) => {
    const previous = shown[i - 1];
    if (previous) {
      const gap = ctx.source.slice(previous.position?.end.offset ?? 0, node.position?.start.offset ?? 0);
      out.push({ t: 'break' }, { t: 'text', text: (gap.match(/\n/g)?.length ?? 0) >= 2 ? '\n\n' : '\n' });
    }
    block(node, ctx, out);
  });
}

const isOpen = (ctx: Context, tag: Tag) => ctx.open.some((o) => o.tag === tag);
const openToken = (o: { tag: Tag; attr?: string }): Token =>
  o.attr === undefined ? { t: 'open', tag: o.tag } : { t: 'open', tag: o.tag, attr: o.attr };

function wrap(tag: Tag, ctx: Context, out: Token[], inner: () => void, attr?: string): void {
  // Telegram refuses an entity nested in one of its own kind: the outer one already shows it.
  if (isOpen(ctx, tag)) {
    inner();
    return;
  }
  const entry = attr === undefined ? { tag } : { tag, attr };
  out.push(openToken(entry));
  ctx.open.push(entry);
  inner();
  ctx.open.pop();
  out.push({ t: 'close' });
}

/**
 * Code (inline or a block) where Telegram allows it: pre and code may contain nothing and be inside nothing but a
 * blockquote, so bold/italic/strike around it are closed for its length and reopened after; inside a link it is
 * shown as text.
 */
function code(value: string, ctx: Context, out: Token[], tag: 'code' | 'pre', language?: string): void {
  if (value === '') return;
  if (isOpen(ctx, 'a')) {
    out.push({ t: 'text', text: value });
    return;
  }
  const from = ctx.open.findIndex((o) => o.tag !== 'blockquote');
  const around = from < 0 ? [] : ctx.open.slice(from);
  for (let i = 0; i < around.length; i++) out.push({ t: 'close' });
  out.push(openToken(language === undefined ? { tag } : { tag, attr: language }));
  out.push({ t: 'text', text: value }, { t: 'close' });
  for (const o of around) out.push(openToken(o));
}

function codeBlock(value: string, lang: string | null | undefined, ctx: Context, out: Token[]): void {
  code(value, ctx, out, 'pre', lang && LANGUAGE.test(lang) ? lang : undefined);
}

function block(node: RootContent, ctx: Context, out: Token[]): void {
  switch (node.type) {
    case 'paragraph':
      inlines(node.children, ctx, out);
      return;
    case 'heading':
      wrap('b', ctx, out, () => inlines(node.children, ctx, out));
      return;
    case 'thematicBreak':
      out.push({ t: 'text', text: '———' });
      return;
    case 'blockquote':
      wrap('blockquote', ctx, out, () => blocks(node.children, ctx, out));
      return;
    case 'code':
      codeBlock(node.value, node.lang, ctx, out);
      return;
    case 'list': {
      const start = node.start ?? 1;
      const indent = '   '.repeat(ctx.listDepth);
      node.children.forEach((item, i) => {
        if (i > 0) out.push({ t: 'break' }, { t: 'text', text: node.spread ? '\n\n' : '\n' });
        const mark =
          item.checked === true ? '☑' : item.checked === false ? '☐' : node.ordered ? `${start + i}.` : '•';
        out.push({ t: 'text', text: `${indent}${mark} ` });
        const inner = { ...ctx, listDepth: ctx.listDepth + 1 };
        blocks(item.children, inner, out);
      });
      return;
    }
    case 'table':
      codeBlock(tableText(node.children), null, ctx, out);
      return;
    case 'footnoteDefinition':
      out.push({ t: 'text', text: `[^${node.label ?? node.identifier}]: ` });
      blocks(node.children, ctx, out);
      return;
    case 'html':
      out.push({ t: 'text', text: node.value });
      return;
    default:
      // Phrasing content where a block was expected, or a node this renderer does not know: its text.
      inlines([node as PhrasingContent], ctx, out);
      return;
  }
}

function inlines(nodes: PhrasingContent[], ctx: Context, out: Token[]): void {
  for (const node of nodes) inline(node, ctx, out);
}

function link(url: string | null, label: () => void, ctx: Context, out: Token[]): void {
  const href = url === null ? null : safeUrl(url);
  if (href === null || isOpen(ctx, 'a')) {
    label();
    return;
  }
  wrap('a', ctx, out, label, href);
}

function inline(node: PhrasingContent, ctx: Context, out: Token[]): void {
  switch (node.type) {
    case 'text':
    case 'html':
      out.push({ t: 'text', text: node.value });
      return;
    case 'break':
      out.push({ t: 'text', text: '\n' });
      return;
    case 'strong':
      wrap('b', ctx, out, () => inlines(node.children, ctx, out));
      return;
    case 'emphasis':
      wrap('i', ctx, out, () => inlines(node.children, ctx, out));
      return;
    case 'delete':
      wrap('s', ctx, out, () => inlines(node.children, ctx, out));
      return;
    case 'inlineCode':
      code(node.value, ctx, out, 'code');
      return;
    case 'link':
      link(node.url, () => inlines(node.children, ctx, out), ctx, out);
      return;
    case 'linkReference':
      link(ctx.defs.get(node.identifier) ?? null, () => inlines(node.children, ctx, out), ctx, out);
      return;
    case 'image':
    case 'imageReference': {
      const url = node.type === 'image' ? node.url : (ctx.defs.get(node.identifier) ?? null);
      const alt = node.alt || url || '';
      link(url, () => out.push({ t: 'text', text: alt }), ctx, out);
      return;
    }
    case 'footnoteReference':
      out.push({ t: 'text', text: `[^${node.label ?? node.identifier}]` });
      return;
    default:
      out.push({ t: 'text', text: nodeText(node as Nodes) });
  }
}

/** A GFM table as aligned monospace text (Telegram has no tables). */
function tableText(rows: TableRow[]): string {
  const cells = rows.map((row) => row.children.map((cell) => nodeText(cell as Parents).replace(/\n/g, ' ')));
  const widths: number[] = [];
  for (const row of cells)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  const line = (row: string[]) =>
    widths
      .map((w, i) => (row[i] ?? '').padEnd(w + (row[i] ?? '').length - [...(row[i] ?? '')].length))
      .join(' | ');
  const [head, ...body] = cells;
  if (!head) return '';
  return [
    line(head).trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...body.map((r) => line(r).trimEnd()),
  ].join('\n');
}
