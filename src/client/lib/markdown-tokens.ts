// A remark plugin for chat Markdown: marks the chat's own tokens in text (@mentions the server parsed, the leading
// /command) and keeps line breaks. Only text nodes are visited, so code spans and code blocks never get them.
import type { Break, Parent, Root, RootContent, Text } from 'mdast';
import { normalizeName } from '../../shared/parse';
import { COMMAND_CLASS, MENTION_CLASS, MENTION_ME_CLASS } from './token-classes';

export interface ChatTokenOptions {
  /** The message's parsed mentions (normalised names): only these are marked, as in plain text. */
  mentions: readonly string[];
  /** The reader's name: their mentions are marked differently. */
  me?: string;
  /** The message's command (parsed by the server), marked where the text starts with it. */
  command?: string | null;
}

const MENTION = /@([A-Za-z0-9][A-Za-z0-9_-]{0,63})/g;
const COMMAND = /^\/([A-Za-z][A-Za-z0-9_-]{0,31})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

/** Text rendered as a span (mdast-util-to-hast turns `data.hName` on a text node into an element around it). */
function token(value: string, properties: Record<string, string>): Text {
  return { type: 'text', value, data: { hName: 'span', hProperties: properties } };
}

/** Splits one text node's value into plain text and marked mentions. */
export function splitMentions(value: string, options: ChatTokenOptions): Text[] {
  const known = new Set(options.mentions);
  const me = options.me?.toLowerCase();
  const out: Text[] = [];
  let last = 0;
  for (const match of value.matchAll(MENTION)) {
    const index = match.index ?? 0;
    const name = normalizeName(match[1] ?? '');
    const before = index > 0 ? (value[index - 1] as string) : '';
    if (!known.has(name) || /[\w.@-]/.test(before)) continue;
    if (index > last) out.push({ type: 'text', value: value.slice(last, index) });
    out.push(
      token(match[0], { dataMention: name, className: name === me ? MENTION_ME_CLASS : MENTION_CLASS }),
    );
    last = index + match[0].length;
  }
  if (last === 0) return [{ type: 'text', value }];
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
  return out;
}

/** The first text node of the message, if the message starts with text (not code, a link or a heading mark). */
function firstText(root: Root): { parent: Parent; index: number } | null {
  let node: Parent = root;
  for (;;) {
    const first = node.children[0] as RootContent | undefined;
    if (!first) return null;
    if (first.type === 'text') return { parent: node, index: 0 };
    if (first.type !== 'paragraph') return null;
    node = first;
  }
}

function markCommand(root: Root, command: string): void {
  const found = firstText(root);
  if (!found) return;
  const text = found.parent.children[found.index] as Text;
  const match = COMMAND.exec(text.value);
  if (!match || match[1]?.toLowerCase() !== command) return;
  const rest = text.value.slice(match[0].length);
  const replacement: Text[] = [token(match[0], { dataCommand: command, className: COMMAND_CLASS })];
  if (rest) replacement.push({ type: 'text', value: rest });
  found.parent.children.splice(found.index, 1, ...replacement);
}

/** A chat line break is a line break (as in Slack), not the space CommonMark makes of it. */
function hardBreaks(text: Text): (Text | Break)[] {
  if (text.data?.hName || !text.value.includes('\n')) return [text];
  const lines = text.value.split(/\r?\n/);
  return lines.flatMap((line, i) => {
    const parts: (Text | Break)[] = i > 0 ? [{ type: 'break' }] : [];
    if (line) parts.push({ type: 'text', value: line });
    return parts;
  });
}

function markMentions(node: Parent, options: ChatTokenOptions): void {
  for (let i = 0; i < node.children.length; i++) {
    const child = node.children[i] as RootContent;
    // A link's label is the link; a mention inside it would be a second target.
    if (child.type === 'link' || child.type === 'linkReference') continue;
    if (child.type === 'text') {
      if (child.data?.hName) continue;
      const parts = splitMentions(child.value, options).flatMap(hardBreaks);
      if (parts.length > 1 || parts[0] !== child) {
        node.children.splice(i, 1, ...parts);
        i += parts.length - 1;
      }
    } else if ('children' in child) markMentions(child, options);
  }
}

/** remark plugin: `[remarkChatTokens, { mentions, me, command }]`. */
export function remarkChatTokens(options: ChatTokenOptions) {
  return (tree: Root) => {
    if (options.command) markCommand(tree, options.command);
    markMentions(tree, options);
  };
}
