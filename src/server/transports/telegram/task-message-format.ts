// How an agent task looks in its one Telegram message (HTML, within 4096 characters), and its inline keyboard: the
// open asks (callback data names the ask and the choice) and Merge / Discard while its git branch is open.
import type { InlineKeyboardButton } from 'grammy/types';
import {
  elapsedMs,
  formatElapsed,
  formatTokens,
  shownStatus,
  type TaskCardState,
} from '../../../shared/task-card';
import type { ChangedFile } from '../../../shared/task-timeline';
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
    // The branch's diffstat (against its base) replaces the worker's own list once the task is committed.
    if (!card.branch && card.result.files.length > 0) parts.push(diffstat(card.result.files));
  } else if (card.reason && status !== 'running') parts.push(line(card.reason, 500));
  if (card.branch) parts.push(renderBranch(card.branch));
  return fitToLimit(parts);
}

/** Files with their +/- lines, at most MAX_FILES, then "and N more". */
function diffstat(files: readonly ChangedFile[]): string {
  const shown = files
    .slice(0, MAX_FILES)
    .map((f) => `<code>${escapeHtml(clip(f.path, 120))}</code> +${f.additions} −${f.deletions}`);
  if (files.length > MAX_FILES) shown.push(`and ${files.length - MAX_FILES} more`);
  return shown.join('\n');
}

type Branch = NonNullable<TaskCardState['branch']>;

const by = (b: Branch) => (b.by ? ` by ${escapeHtml(b.by)}` : '');
const sha = (commit: string) => `<code>${escapeHtml(commit.slice(0, 10))}</code>`;

/** "a.ts, b.ts and 3 more" (code-formatted), at most MAX_FILES named. */
function fileList(paths: readonly string[]): string {
  const named = paths.slice(0, MAX_FILES).map((p) => `<code>${escapeHtml(clip(p, 120))}</code>`);
  const more = paths.length > MAX_FILES ? ` and ${paths.length - MAX_FILES} more` : '';
  return named.join(', ') + more;
}

const BRANCH_STATE: Record<Branch['state'], (b: Branch) => string> = {
  open: () => '🟢 open: <i>Merge or Discard below, or reply merge / discard to this message</i>',
  empty: () => '⚪ nothing changed (no commit)',
  merged: (b) => {
    if (!b.mergeCommit) return `🟣 merged${by(b)}`;
    const how = b.mergeCommit === b.commit ? 'fast-forward' : 'merge commit';
    return `🟣 merged${by(b)} (${how} ${sha(b.mergeCommit)})`;
  },
  discarded: (b) => `🗑 discarded${by(b)}`,
  conflict: (b) =>
    `⚠️ conflict with ${escapeHtml(b.base)}${b.conflicts.length > 0 ? ` in ${fileList(b.conflicts)}` : ''}: ` +
    '<i>ask the agent to resolve it, then Merge</i>',
};

/** The task's branch: its name and base, where it stands, and its diffstat. */
function renderBranch(branch: Branch): string {
  const head = `🌿 <code>${escapeHtml(clip(branch.branch, 120))}</code> → <code>${escapeHtml(clip(branch.base, 60))}</code>`;
  const lines = [head, BRANCH_STATE[branch.state](branch)];
  if (branch.files.length > 0) lines.push(diffstat(branch.files));
  return lines.join('\n');
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

/** A branch that can still be merged or discarded: open, or refused for a conflict (resolved on the same branch). */
export const branchActionable = (card: TaskCardState): boolean =>
  card.branch?.state === 'open' || card.branch?.state === 'conflict';

export type BranchAction = 'merge' | 'discard';

/** Callback data: "branch|<taskId>|merge|discard". */
export function branchCallbackData(taskId: number, action: BranchAction): string {
  return `branch|${taskId}|${action}`;
}

export function parseBranchCallback(data: string): { taskId: number; action: BranchAction } | null {
  const match = /^branch\|(\d{1,15})\|(merge|discard)$/.exec(data);
  return match ? { taskId: Number(match[1]), action: match[2] as BranchAction } : null;
}

/** The task message's whole keyboard: its open asks, then Merge · Discard while the branch is actionable. */
export function taskKeyboard(taskId: number, card: TaskCardState): InlineKeyboardButton[][] {
  const rows = askKeyboard(taskId, card);
  if (branchActionable(card))
    rows.push([
      { text: '🔀 Merge', callback_data: branchCallbackData(taskId, 'merge') },
      { text: '🗑 Discard', callback_data: branchCallbackData(taskId, 'discard') },
    ]);
  return rows;
}
