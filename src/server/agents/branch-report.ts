// What the chat is told about a task's git branch: with its result (the branch, files +/- and how to review it),
// after a merge or discard, on a conflict (which files, and how to have the agent resolve it), and the prompt
// that asks the agent to resolve one.
import type { BranchEvent } from '../../shared/task-branch';
import type { ChangedFile } from '../../shared/task-timeline';
import type { Task } from '../db/agents-repository';
import { filesLine } from './opencode/session-result';

const list = (files: string[]) =>
  files.length <= 8 ? files.join(', ') : `${files.slice(0, 8).join(', ')} and ${files.length - 8} more`;

/** The result message with the branch in place of the plain list of files changed. */
export function withBranch(text: string, event: BranchEvent, agent: string): string {
  const lines = text.split('\n').filter((line) => !line.startsWith('Files changed:'));
  if (event.state === 'open')
    lines.push(
      `🌿 Branch ${event.branch} (from ${event.base}): ${changes(event.files)}`,
      `Review it in the web app, or reply merge / discard (or "@${agent} change …" to go on).`,
    );
  else if (event.state === 'conflict')
    lines.push(
      `⚠️ ${event.branch} still conflicts with ${event.base} in ${list(event.conflicts)}: the conflict markers are not resolved yet.`,
      `Reply "@${agent} resolve" to have me try again.`,
    );
  else if (event.state === 'empty')
    lines.push('Nothing changed in the project, so there is no branch to review.');
  return lines.join('\n');
}

function changes(files: ChangedFile[]): string {
  const line = filesLine(files);
  return line ? line.replace(/^Files changed: /, '') : 'no file changes';
}

export function mergedText(task: Task, event: BranchEvent, fastForward: boolean, by: string): string {
  return `🔀 Merged ${event.branch} into ${event.base}${fastForward ? ' (fast-forward)' : ' (a merge commit)'} for @${by}: task #${task.id} ${task.description}.`;
}

export function discardedText(task: Task, branch: string, by: string): string {
  return `🗑 Discarded ${branch} for @${by}: the changes of task #${task.id} are gone.`;
}

export function conflictText(task: Task, event: BranchEvent, by: string): string {
  return [
    `@${by} I can't merge ${event.branch} into ${event.base}: it conflicts in ${list(event.conflicts)}. Nothing was merged.`,
    `Reply "@${task.employee} resolve" (or ask me anything) to have me resolve it.`,
  ].join('\n');
}

/** The follow-up prompt when a continuation starts by merging the base into the branch (conflict markers left). */
export function resolvePrompt(task: Task, base: string, files: string[], by: string): string {
  const asked = task.description.trim();
  return [
    `Your branch conflicts with ${base}. ${base} has been merged into your working copy and git left conflict markers (<<<<<<<, =======, >>>>>>>) in: ${files.join(', ')}.`,
    `Resolve the conflicts in those files: keep what both sides meant, remove every marker, and write the files back. Do not run git commands: your work is committed for you.`,
    ...(asked && !/^resolve\b/i.test(asked) ? [`${by} adds: ${asked}`] : []),
    'End with a short summary of how you resolved it.',
  ].join('\n');
}
