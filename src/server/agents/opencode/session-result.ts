// How an opencode session's end becomes the task's final state, its `result` timeline entry and the chat
// message: ✅ with the summary, files changed (+/-), tokens, cost and duration; ❌ with the reason in plain words.
import type { ChangedFile, TaskEvent } from '../../../shared/task-timeline';
import type { AgentsRepository, Task, TaskPatch } from '../../db/agents-repository';
import type { SessionOutcome } from '../task-worker';
import { clip } from '../voice';

const MAX_FILES = 10;

export function filesLine(files: ChangedFile[]): string | null {
  if (files.length === 0) return null;
  const shown = files.slice(0, MAX_FILES).map((f) => `${f.path} (+${f.additions} −${f.deletions})`);
  const more = files.length > MAX_FILES ? ` and ${files.length - MAX_FILES} more` : '';
  return `Files changed: ${shown.join(', ')}${more}`;
}

function totalsLine(outcome: SessionOutcome, durationMs: number | null): string | null {
  const parts: string[] = [];
  if (outcome.tokens) parts.push(`${outcome.tokens.input} tokens in, ${outcome.tokens.output} out`);
  if (outcome.cost !== null) parts.push(`$${outcome.cost.toFixed(4)}`);
  if (durationMs !== null) parts.push(`${(durationMs / 1000).toFixed(1)} s`);
  return parts.length ? parts.join(' · ') : null;
}

/** Records the end (through the run, which keeps the updated task); returns the chat text and the result entry. */
export async function recordSession(
  repo: AgentsRepository,
  holder: { readonly task: Task; readonly stopReason: string | null; record(end: TaskPatch): Promise<Task> },
  outcome: SessionOutcome,
): Promise<{ text: string; event: Extract<TaskEvent, { kind: 'result' }> }> {
  const finishedAt = new Date().toISOString();
  const description = holder.task.description;
  const status =
    outcome.status === 'done'
      ? 'done'
      : outcome.status === 'stopped'
        ? 'cancelled'
        : outcome.status === 'interrupted'
          ? 'interrupted'
          : 'failed';
  const reason =
    status === 'cancelled' ? (holder.stopReason ?? 'stopped') : status === 'done' ? null : outcome.failure;
  const task = await holder.record({
    status,
    reason,
    exitCode: status === 'done' ? 0 : null,
    finishedAt,
  });
  if (outcome.detail)
    await repo.appendTaskLog(task.id, [{ stream: 'system', line: `opencode: ${outcome.detail}` }]);
  const durationMs = task.startedAt ? Date.parse(finishedAt) - Date.parse(task.startedAt) : null;
  const event: Extract<TaskEvent, { kind: 'result' }> = {
    kind: 'result',
    status: outcome.status,
    summary: status === 'done' ? outcome.summary : reason,
    files: outcome.files,
    tokens: outcome.tokens,
    cost: outcome.cost,
    durationMs,
  };
  const files = filesLine(outcome.files);
  const totals = totalsLine(outcome, durationMs);
  let lines: (string | null)[];
  if (status === 'done')
    lines = [
      `✅ Done: ${description}`,
      outcome.summary ? `> ${clip(outcome.summary, 600)}` : null,
      files,
      totals,
    ];
  else if (status === 'cancelled') lines = [`⏹ Stopped: ${description}`, files];
  else if (status === 'interrupted')
    lines = [
      `⚠️ Interrupted: ${description} — ${outcome.failure ?? 'the work stopped'}.`,
      `Reply to this message with "@${task.employee} continue" to pick it up where it stopped.`,
      files,
    ];
  else
    lines = [
      `❌ Failed: ${description} — ${outcome.failure ?? 'the coding agent stopped with an error'}`,
      files,
    ];
  return { text: lines.filter((l): l is string => Boolean(l)).join('\n'), event };
}
