// How a worker's exit ends its task: cancelled (it was stopped), done (exit 0) or failed, recorded with the exit
// code and reason, and the chat message that says so with the last output lines or the last error.
import type { TaskEvent } from '../../shared/task-timeline';
import type { RunningTask } from './running-task';
import type { OutputStream, WorkerExit } from './worker';

/** Records the end of `run.task` (the run keeps the updated task); returns the message for chat. */
export async function recordResult(
  run: Pick<RunningTask, 'task' | 'tail' | 'stopReason' | 'record'>,
  exit: WorkerExit,
): Promise<string> {
  const finishedAt = new Date().toISOString();
  const task = run.task.description;
  const lastOf = (stream?: OutputStream) =>
    [...run.tail].reverse().find((l) => !stream || l.stream === stream)?.line ?? null;
  if (run.stopReason) {
    await run.record({
      status: 'cancelled',
      reason: run.stopReason,
      exitCode: exit.code,
      finishedAt,
    });
    return `⏹ Stopped: ${task}`;
  }
  if (exit.code === 0) {
    await run.record({ status: 'done', exitCode: 0, finishedAt });
    const last = run.tail
      .filter((l) => l.stream === 'stdout')
      .slice(-3)
      .map((l) => `> ${l.line}`);
    return [`✅ Done: ${task}`, ...last].join('\n');
  }
  const how = exit.error
    ? `could not start: ${exit.error.message}`
    : exit.code !== null
      ? `exit ${exit.code}`
      : `killed by ${exit.signal}`;
  const lastError = lastOf('stderr') ?? lastOf();
  await run.record({
    status: 'failed',
    exitCode: exit.code,
    reason: lastError ? `${how}: ${lastError}` : how,
    finishedAt,
  });
  return [`❌ Failed: ${task} (${how})`, ...(lastError ? [lastError] : [])].join('\n');
}

const RESULT_STATUS = {
  done: 'done',
  failed: 'failed',
  cancelled: 'stopped',
  interrupted: 'interrupted',
} as const;

/** The timeline's last entry for a finished command-mode task: no files or tokens (the worker does not say). */
export function resultEvent(run: Pick<RunningTask, 'task' | 'tail'>): Extract<TaskEvent, { kind: 'result' }> {
  const { task } = run;
  const status = RESULT_STATUS[task.status as keyof typeof RESULT_STATUS] ?? 'failed';
  const lastOut = run.tail
    .filter((l) => l.stream === 'stdout')
    .slice(-3)
    .map((l) => l.line);
  const summary = status === 'done' ? lastOut.join('\n') || null : task.reason;
  const durationMs =
    task.startedAt && task.finishedAt ? Date.parse(task.finishedAt) - Date.parse(task.startedAt) : null;
  return { kind: 'result', status, summary, files: [], tokens: null, cost: null, durationMs };
}
