// How our messages look in Telegram: "<b>alice</b>: text" in HTML parse mode, escaped, split to fit 4096.
import type { Message } from '../../../shared/message';

/** Telegram's limit, counted on the text after entity parsing (what a reader sees). */
export const TELEGRAM_MAX_TEXT = 4096;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The visible prefix and its HTML form; agents and the system are marked so nobody mistakes them for people. */
function prefix(message: Message, part: number, parts: number): { visible: string; html: string } {
  const counter = parts > 1 ? ` (${part}/${parts})` : '';
  const mark = message.senderKind === 'agent' ? '🤖 ' : message.senderKind === 'system' ? '⚙️ ' : '';
  const name = escapeHtml(message.sender);
  return {
    visible: `${mark}${message.sender}${counter}: `,
    html: `${mark}<b>${name}</b>${counter}: `,
  };
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
  const single = prefix(message, 1, 1);
  if (single.visible.length + message.text.length <= TELEGRAM_MAX_TEXT)
    return [`${single.html}${escapeHtml(message.text)}`];
  // Room for the longest prefix, counter included ("(99/99)").
  const room = TELEGRAM_MAX_TEXT - prefix(message, 99, 99).visible.length;
  const chunks = splitText(message.text, room);
  return chunks.map((chunk, i) => `${prefix(message, i + 1, chunks.length).html}${escapeHtml(chunk)}`);
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
