// How an agent task looks in its one Telegram message (HTML, within 4096 characters), and the inline keyboard of
// its open asks, whose callback data names the ask and the choice.
import type { InlineKeyboardButton } from 'grammy/types';
import {
  elapsedMs,
  formatElapsed,
  formatTokens,
  shownStatus,
  type TaskCardState,
} from '../../../shared/task-card';
import { escapeHtml, TELEGRAM_MAX_TEXT } from './format';

export interface TaskHeader {
  id: number;
  employee: string;
  description: string;
  status: string;
}

const STATUS_MARK: Record<string, string> = {
  queued: '⏳ queued',
  running: '🔄 running',
  stuck: '🆘 stuck',
  done: '✅ done',
  failed: '❌ failed',
  stopped: '⏹ stopped',
  cancelled: '⏹ stopped',
  interrupted: '⚠️ interrupted',
};
const TOOL_MARK = { pending: '◻️', running: '⏳', completed: '✅', error: '❌' } as const;
const TODO_MARK = { pending: '☐', in_progress: '▶️', completed: '☑️', cancelled: '✖️' } as const;
const MAX_FILES = 10;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const line = (text: string, max = 200) => escapeHtml(clip(text.replace(/\s+/g, ' ').trim(), max));

/** The message text; `now` for the elapsed time of a task still going. */
export function renderTaskMessage(task: TaskHeader, card: TaskCardState, now: number): string {
  const status = shownStatus(card, task.status);
  const head = `🤖 <b>${escapeHtml(task.employee)}</b> · task #${task.id}: ${line(task.description, 300)}`;
  const elapsed = elapsedMs(card, now);
  const facts = [
    STATUS_MARK[status] ?? escapeHtml(status),
    elapsed !== null ? formatElapsed(elapsed) : null,
    card.tokens ? formatTokens(card.tokens) : null,
    card.cost !== null ? `$${card.cost.toFixed(4)}` : null,
  ].filter(Boolean);
  const parts = [head, facts.join(' · ')];
  if (card.retry && !card.result)
    parts.push(`↻ retrying (attempt ${card.retry.attempt}): ${line(card.retry.message)}`);
  if (!card.result && card.step) parts.push(`▶ ${line(card.step)}`);
  if (card.tools.length > 0)
    parts.push(card.tools.map((t) => `${TOOL_MARK[t.state]} ${line(t.title ?? t.tool, 120)}`).join('\n'));
  if (card.todos.length > 0)
    parts.push(card.todos.map((t) => `${TODO_MARK[t.status]} ${line(t.content, 120)}`).join('\n'));
  for (const ask of card.asks) {
    const options = ask.options.map((o, i) => `${i + 1}. ${line(o, 100)}`).join('\n');
    const how = ask.ask === 'permission' ? 'Allow, Always or Deny below' : 'pick an answer below';
    parts.push(
      `${ask.ask === 'permission' ? '🔐' : '❓'} <b>${line(ask.text, 600)}</b>${options ? `\n${options}` : ''}\n<i>${how}, or reply to the agent's message</i>`,
    );
  }
  if (card.result) {
    if (card.result.summary) parts.push(escapeHtml(clip(card.result.summary, 1500)));
    const files = card.result.files;
    if (files.length > 0) {
      const shown = files
        .slice(0, MAX_FILES)
        .map((f) => `<code>${escapeHtml(clip(f.path, 120))}</code> +${f.additions} −${f.deletions}`);
      if (files.length > MAX_FILES) shown.push(`and ${files.length - MAX_FILES} more`);
      parts.push(shown.join('\n'));
    }
  } else if (card.reason && status !== 'running') parts.push(line(card.reason, 500));
  return fitToLimit(parts);
}

/** Drops middle sections (tools, then todos…) until the whole fits Telegram's limit. */
function fitToLimit(parts: string[]): string {
  let text = parts.join('\n\n');
  const keep = [...parts];
  while (visibleLength(text) > TELEGRAM_MAX_TEXT && keep.length > 2) {
    keep.splice(2, 1);
    text = keep.join('\n\n');
  }
  return visibleLength(text) > TELEGRAM_MAX_TEXT ? clip(keep[0] ?? '', 1000) : text;
}

/** Roughly what Telegram counts: the text without tags, entities as one character. */
function visibleLength(html: string): number {
  return html.replace(/<[^>]+>/g, '').replace(/&(?:amp|lt|gt);/g, '&').length;
}

/**
 * Callback data: "ask|<taskId>|<askId>|<choice>" (Telegram allows 64 bytes; a long ask id is cut and matched by
 * prefix within its task). The task id lets a press be answered even after a restart forgot the task.
 */
export function askCallbackData(taskId: number, askId: string, choice: string): string {
  const room = 64 - `ask|${taskId}||`.length - choice.length;
  return `ask|${taskId}|${askId.slice(0, room)}|${choice}`;
}

export function parseAskCallback(data: string): { taskId: number; askId: string; choice: string } | null {
  const match = /^ask\|(\d{1,15})\|([^|]+)\|(allow|always|deny|o\d+)$/.exec(data);
  return match ? { taskId: Number(match[1]), askId: match[2] as string, choice: match[3] as string } : null;
}

/** The buttons for the open asks: a question's options (numbered), or Allow · Always · Deny. */
export function askKeyboard(taskId: number, card: TaskCardState): InlineKeyboardButton[][] {
  return card.asks.flatMap((ask) =>
    ask.ask === 'permission'
      ? [
          [
            { text: '✅ Allow', callback_data: askCallbackData(taskId, ask.askId, 'allow') },
            { text: '♾ Always', callback_data: askCallbackData(taskId, ask.askId, 'always') },
            { text: '⛔ Deny', callback_data: askCallbackData(taskId, ask.askId, 'deny') },
          ],
        ]
      : ask.options.map((option, i) => [
          {
            text: clip(`${i + 1}. ${option}`, 60),
            callback_data: askCallbackData(taskId, ask.askId, `o${i}`),
          },
        ]),
  );
}
