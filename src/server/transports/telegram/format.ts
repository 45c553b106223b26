// How our messages look in Telegram: "<b>alice</b>: text" in HTML parse mode, the Markdown as Telegram's own
// formatting, everything else escaped, split to fit 4096 with every part's tags balanced.
import type { Message } from '../../../shared/message';
import { markdownTokens, startsInline, type Tag, type Token } from '../markdown';

/** Telegram's limit, counted on the text after entity parsing (what a reader sees). */
export const TELEGRAM_MAX_TEXT = 4096;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const escapeAttr = (text: string) => escapeHtml(text).replace(/"/g, '&quot;');

/**
 * The visible prefix and its HTML form; agents and the system are marked so nobody mistakes them for people. A
 * message that starts with a block (code, a list, a quote) starts on the next line.
 */
function prefix(
  message: Message,
  part: number,
  parts: number,
  inline = true,
): { visible: string; html: string } {
  const counter = parts > 1 ? ` (${part}/${parts})` : '';
  const mark = message.senderKind === 'agent' ? '🤖 ' : message.senderKind === 'system' ? '⚙️ ' : '';
  const name = escapeHtml(message.sender);
  const gap = inline ? ' ' : '\n';
  return {
    visible: `${mark}${message.sender}${counter}:${gap}`,
    html: `${mark}<b>${name}</b>${counter}:${gap}`,
  };
}

function openHtml(tag: Tag, attr: string | undefined): string {
  if (tag === 'a') return `<a href="${escapeAttr(attr ?? '')}">`;
  if (tag === 'pre') return attr ? `<pre><code class="language-${escapeAttr(attr)}">` : '<pre>';
  return `<${tag}>`;
}

function closeHtml(tag: Tag, attr: string | undefined): string {
  return tag === 'pre' && attr ? '</code></pre>' : `</${tag}>`;
}

/** Where to cut `text` so the first piece has at most `size` units: a newline, else a space, never in a pair. */
function cutPoint(text: string, size: number): number {
  let cut = text.lastIndexOf('\n', size);
  if (cut < size / 2) cut = text.lastIndexOf(' ', size);
  if (cut < size / 2) cut = size;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return Math.max(cut, 1);
}

interface Chunk {
  html: string;
  visible: number;
}

/**
 * Serialises tokens into HTML chunks of at most `room` visible units each. A chunk ends at the last block break
 * past half its room when there is one, else inside a text; either way the open tags are closed at the end of
 * the chunk and reopened at the start of the next, so every chunk is balanced HTML on its own.
 */
export function tokensToHtml(tokens: Token[], room: number): string[] {
  const chunks: string[] = [];
  const stack: { tag: Tag; attr?: string }[] = [];
  let chunk: Chunk = { html: '', visible: 0 };
  let lastBreak: { index: number; chunk: Chunk; stack: typeof stack } | null = null;
  const closeAll = (html: string, open: typeof stack) =>
    html +
    [...open]
      .reverse()
      .map((o) => closeHtml(o.tag, o.attr))
      .join('');
  const reopen = (open: typeof stack): Chunk => ({
    html: open.map((o) => openHtml(o.tag, o.attr)).join(''),
    visible: 0,
  });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.t === 'open') {
      stack.push({ tag: token.tag, attr: token.attr });
      chunk.html += openHtml(token.tag, token.attr);
    } else if (token.t === 'close') {
      const o = stack.pop();
      if (o) chunk.html += closeHtml(o.tag, o.attr);
    } else if (token.t === 'break') {
      lastBreak = { index: i, chunk: { ...chunk }, stack: [...stack] };
    } else {
      let text = token.text;
      while (chunk.visible + text.length > room) {
        if (lastBreak && lastBreak.chunk.visible >= room / 2) {
          // Back to the last block break: this block starts the next chunk.
          chunks.push(closeAll(lastBreak.chunk.html, lastBreak.stack));
          stack.splice(0, stack.length, ...lastBreak.stack);
          chunk = reopen(stack);
          i = lastBreak.index;
          lastBreak = null;
          text = '';
          break;
        }
        const cut = cutPoint(text, room - chunk.visible);
        const piece = text.slice(0, cut);
        chunks.push(closeAll(chunk.html + escapeHtml(piece), stack));
        chunk = reopen(stack);
        lastBreak = null;
        text = text.slice(cut).replace(/^[ \n]/, '');
      }
      if (text === '' && token.text !== '') continue;
      chunk.html += escapeHtml(text);
      chunk.visible += text.length;
    }
  }
  if (chunk.visible > 0 || chunks.length === 0) chunks.push(closeAll(chunk.html, stack));
  return chunks;
}

/** Cuts `text` into chunks of at most `size` UTF-16 units, preferring a newline, then a space, never a pair. */
export function splitText(text: string, size: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = rest.lastIndexOf('\n', size);
    if (cut < size / 2) cut = rest.lastIndexOf(' ', size);
    if (cut < size / 2) cut = size;
    // Never split a surrogate pair (an emoji would become two broken characters).
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** The HTML texts to send for one message, each within Telegram's limit once parsed. */
export function renderForTelegram(message: Message): string[] {
  const tokens = markdownTokens(message.text);
  const inline = startsInline(tokens);
  const single = prefix(message, 1, 1, inline);
  const whole = tokensToHtml(tokens, TELEGRAM_MAX_TEXT - single.visible.length);
  if (whole.length === 1) return [`${single.html}${whole[0]}`];
  // Room for the longest prefix, counter included ("(99/99)").
  const room = TELEGRAM_MAX_TEXT - prefix(message, 99, 99, inline).visible.length;
  const chunks = tokensToHtml(tokens, room);
  return chunks.map((chunk, i) => `${prefix(message, i + 1, chunks.length, inline).html}${chunk}`);
}

/** Who sent a Telegram message: the username, else first and last name, else the numeric id. */
export function telegramSender(from: {
  id: number;
  username?: string;
  first_name?: string;
  last_name?: string;
}) {
  if (from.username) return from.username;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ').trim();
  return name || `telegram-${from.id}`;
}
