// The answer to "@alice status?": current task, its progress and what is queued behind it.
import type { Task } from '../db/agents-repository';
import type { RunView } from './task-runner';
import { clip } from './voice';

const ago = (iso: string | null, now: number) => {
  if (!iso) return 'just now';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
};

export function statusReport(run: RunView | null, queued: Task[], now = Date.now()): string {
  const queue =
    queued.length === 0
      ? 'Nothing queued.'
      : `Queued (${queued.length}): ${queued
          .slice(0, 5)
          .map((t, i) => `${i + 1}. ${clip(t.description, 80)}`)
          .join('; ')}${queued.length > 5 ? '; …' : ''}.`;
  if (!run) return `I'm free — no task running. ${queue}`;
  const latest = run.progress ? ` Latest output: "${clip(run.progress, 160)}".` : ' No output yet.';
  const state = run.stuck ? 'I am waiting for help with' : "I'm working on";
  return `${state}: ${run.task.description} (task #${run.task.id}, started ${ago(run.task.startedAt, now)}).${latest} ${queue}`;
}
