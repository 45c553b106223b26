// How a worker's exit ends its running task: the result recorded (session or command), the work committed on its
// branch, the timeline's last entries noted, and the chat message that says how it went.
import type { BranchEvent } from '../../shared/task-branch';
import type { TaskEvent } from '../../shared/task-timeline';
import { withBranch } from './branch-report';
import { recordSession } from './opencode/session-result';
import type { RunnerKit } from './runner-kit';
import type { RunningTask } from './running-task';
import { recordResult, resultEvent } from './task-result';
import type { TaskExit } from './task-worker';
import { MergeConflictError, WorkspaceError } from './workspace/workspaces';

/** Records the end of an exited run and returns the chat message saying how it went. */
export async function recordExit(k: RunnerKit, run: RunningTask, exit: TaskExit): Promise<string> {
  const agent = run.task.employee;
  let text: string;
  let result: Extract<TaskEvent, { kind: 'result' }>;
  if (exit.outcome) {
    const recorded = await recordSession(k.o.repo, run, exit.outcome);
    text = recorded.text;
    result = recorded.event;
  } else {
    text = await recordResult(run, exit);
    result = resultEvent(run);
  }
  // The branch entry comes before the result: the result stays the timeline's last word.
  const branch = await commitBranch(k, run, exit.outcome?.status === 'interrupted');
  if (branch) text = withBranch(text, branch, agent);
  k.note(run.task, { kind: 'status', status: run.task.status, reason: run.task.reason });
  k.note(run.task, result);
  k.o.logger.info({ agent: agent, task: run.task.id, status: run.task.status }, 'worker finished');
  return text;
}

/**
 * The task's work committed on its branch (also when stopped, failed or interrupted: nothing is lost) and the
 * `branch` entry noted; null without a branch or when git failed (logged, the task's log says why).
 */
async function commitBranch(
  k: RunnerKit,
  run: RunningTask,
  interrupted: boolean,
): Promise<BranchEvent | null> {
  const workspaces = await k.workspaces();
  const branch = run.workspace?.branch;
  if (!workspaces || !branch) return null;
  let event: BranchEvent;
  try {
    event = await workspaces.commit(run.task, { interrupted });
  } catch (error) {
    if (!(error instanceof MergeConflictError)) {
      const reason = error instanceof WorkspaceError ? error.message : String(error);
      k.o.logger.error({ err: error, task: run.task.id, branch }, 'committing the task failed');
      await k.o.repo.appendTaskLog(run.task.id, [{ stream: 'system', line: `git: ${reason}` }]);
      return null;
    }
    event = {
      kind: 'branch',
      state: 'conflict',
      branch,
      base: run.workspace?.base ?? run.task.baseBranch ?? '',
      commit: run.task.commitSha,
      files: [],
      by: null,
      mergeCommit: null,
      conflicts: error.files,
    };
  }
  k.note(await run.committed(event), event);
  return event;
}
