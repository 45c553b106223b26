// Telegram -> our Markdown: a message's text with its entities (UTF-16 offsets, nested) as the same Markdown the
// web writes, so one conversation reads alike everywhere. Text outside entities is kept as typed.
import type { MessageEntity } from 'grammy/types';
import { safeUrl } from '../markdown';

interface Node {
  entity: MessageEntity | null;
  start: number;
  end: number;
  children: Node[];
}

/** Entities as a tree: Telegram guarantees that two overlapping entities nest, one inside the other. */
function tree(text: string, entities: readonly MessageEntity[]): Node {
  const root: Node = { entity: null, start: 0, end: text.length, children: [] };
  const sorted = [...entities]
    .filter((e) => e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const stack: Node[] = [root];
  for (const entity of sorted) {
    const node: Node = { entity, start: entity.offset, end: entity.offset + entity.length, children: [] };
    while (stack.length > 1 && (stack[stack.length - 1] as Node).end < node.end) stack.pop();
    const parent = stack[stack.length - 1] as Node;
    // A malformed overlap (not nested): the entity is clipped to its parent rather than breaking the text.
    node.end = Math.min(node.end, parent.end);
    parent.children.push(node);
    stack.push(node);
  }
  return root;
}

/** A backtick fence longer than any run of backticks in `code`. */
function fence(code: string, min: number): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(min, longest + 1));
}

function inlineCode(code: string): string {
  const ticks = fence(code, 1);
  // A code span that starts or ends with a backtick (or is all spaces) needs a space inside its ticks.
  const pad = /^`|`$/.test(code) || /^ .* $/.test(code) ? ' ' : '';
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

/** Emphasis markers only hold on text that does not start or end with a space: keep the spaces outside. */
function around(inner: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead, body, trail] = [match?.[1] ?? '', match?.[2] ?? '', match?.[3] ?? ''];
  return body === '' ? inner : `${lead}${marker}${body}${marker}${trail}`;
}

const linkLabel = (label: string) => label.replace(/([[\]\\])/g, '\\$1');
const linkTarget = (url: string) =>
  /[\s()<>]/.test(url) ? `<${url.replace(/[<>]/g, encodeURIComponent)}>` : url;

function render(text: string, node: Node): string {
  let inner = '';
  let at = node.start;
  for (const child of node.children) {
    if (child.start < at) continue;
    inner += text.slice(at, child.start) + render(text, child);
    at = child.end;
  }
  inner += text.slice(at, node.end);
  const entity = node.entity;
  if (!entity) return inner;
  const raw = text.slice(node.start, node.end);
  switch (entity.type) {
    case 'bold':
      return around(inner, '**');
    case 'italic':
      return around(inner, '*');
    case 'strikethrough':
      return around(inner, '~~');
    case 'code':
      return inlineCode(raw);
    case 'pre': {
      const ticks = fence(raw, 3);
      const body = raw.endsWith('\n') ? raw : `${raw}\n`;
      const language = /^[A-Za-z0-9_+#.-]{1,32}$/.test(entity.language ?? '') ? entity.language : '';
      return `${LINE}${ticks}${language}\n${body}${ticks}${LINE}`;
    }
    case 'text_link': {
      const url = safeUrl(entity.url);
      return url ? `[${linkLabel(inner)}](${linkTarget(url)})` : inner;
    }
    case 'blockquote':
    case 'expandable_blockquote':
      // After a quote a blank line: the next line would otherwise continue the quote (a lazy continuation).
      return `${LINE}${inner
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')}${BLANK}`;
    default:
      // underline and spoiler have no Markdown; url, mention, hashtag, bot_command … are already plain text.
      return inner;
  }
}

// Marks left by block entities, resolved once the whole text is known: LINE = start a new line unless already at
// the start of one, BLANK = make sure an empty line follows. Control characters never survive in a message.
const LINE = '\u0001';
const BLANK = '\u0002';

function resolveMarks(markdown: string): string {
  let out = '';
  let i = 0;
  while (i < markdown.length) {
    const char = markdown[i] as string;
    if (char !== LINE && char !== BLANK) {
      out += char;
      i += 1;
      continue;
    }
    // A run of marks needs as many newlines as its largest; the newlines already around it count towards them.
    let want = 0;
    while (markdown[i] === LINE || markdown[i] === BLANK) {
      want = Math.max(want, markdown[i] === BLANK ? 2 : 1);
      i += 1;
    }
    if (out === '' || i >= markdown.length) continue;
    // Spaces before a line break the block makes would be a trailing space (two would be a hard break).
    out = out.replace(/[ \t]+$/, '');
    let have = /\n*$/.exec(out)?.[0].length ?? 0;
    for (let j = i; markdown[j] === '\n'; j++) have += 1;
    out += '\n'.repeat(Math.max(0, want - have));
  }
  return out;
}

/**
 * The Markdown for a Telegram text and its entities. No entities: the text as typed (people write Markdown in
 * Telegram too, and it reads the same on the web).
 */
export function entitiesToMarkdown(text: string, entities: readonly MessageEntity[] | undefined): string {
  if (!entities || entities.length === 0) return text;
  const clean = text.replaceAll(LINE, ' ').replaceAll(BLANK, ' ');
  return resolveMarks(render(clean, tree(clean, entities)));
}
