// Start-up after a restart (or a failover): busy opencode sessions are followed again, stray worktrees removed and
// the interrupted tasks' work committed on their branches, then every task left running is marked interrupted and
// its agent says so in the chat, with how to pick it up.
import type { BranchEvent } from '../../shared/task-branch';
import type { Agent, Task } from '../db/agents-repository';
import { recordBranchState } from './branch-state';
import type { RunnerKit } from './runner-kit';
import { resultEvent } from './task-result';
import { taskIdOfBranch } from './workspace/naming';

/** What recovery needs of the runner. */
export interface RecoveryHost {
  /** Whether `employee` has a running task here. */
  runs(employee: string): boolean;
  withLock<T>(employee: string, fn: () => Promise<T>): Promise<T>;
  /** Follows a task's busy session again (attachOnly). */
  reattach(employee: Agent, task: Task): Promise<boolean>;
}

/** Interrupts (and announces) the tasks that were running when the server went down, except re-attached ones. */
export async function recoverTasks(k: RunnerKit, host: RecoveryHost): Promise<void> {
  const reattached = await reattach(k, host);
  const saved = await cleanUpWorkspaces(k, reattached);
  const interrupted: Task[] = [];
  const left = await k.o.repo.listTasks({ statuses: ['running', 'stuck'] });
  for (const name of new Set(left.map((t) => t.employee)))
    if (!host.runs(name))
      interrupted.push(
        ...(await k.o.repo.moveTasks(
          ['running', 'stuck'],
          'interrupted',
          'the server restarted while it was running',
          { employee: name },
        )),
      );
  for (let task of interrupted) {
    k.note(task, { kind: 'status', status: 'interrupted', reason: task.reason });
    k.note(task, { ...resultEvent({ task, tail: [] }), status: 'interrupted' });
    const branch = task.branch ? await noteSavedBranch(k, task, saved.get(task.id) ?? null) : null;
    if (branch) task = branch.task;
    if (!k.o.roster.get(task.employee)) continue;
    const next = task.sessionId
      ? `Reply to this message with "@${task.employee} continue" to pick it up where it stopped.`
      : 'Assign it again if it is still needed.';
    const kept = branch?.event.state === 'open' ? ` My work so far is saved on ${task.branch}.` : '';
    // How the task ended, like a result: in its thread and in the main conversation.
    const posted = await k.o.voice.sayAbout(
      task,
      `⚠️ Interrupted: ${task.description} — the server restarted while I was working on it.${kept} ${next}`,
      { alsoToChannel: true },
    );
    k.threads.remember(task.messageId, task.id);
    k.threads.remember(posted?.id ?? null, task.id);
  }
}

/**
 * Tasks whose opencode session is still busy (a server we attached to kept working while we restarted) are
 * followed again instead of being marked interrupted. Returns how many were.
 */
async function reattach(k: RunnerKit, host: RecoveryHost): Promise<number> {
  const driver = k.o.driver;
  if (!driver?.server.info().attached) return 0;
  const workspaces = await k.workspaces();
  let count = 0;
  for (const task of await k.o.repo.listTasks({ statuses: ['running', 'stuck'] })) {
    const agent = k.o.roster.get(task.employee);
    if (!agent || !task.sessionId || host.runs(task.employee)) continue;
    let directory: string | undefined;
    try {
      directory =
        task.branch && workspaces
          ? (await workspaces.prepare({ ...task, id: taskIdOfBranch(task.branch) ?? task.id })).dir
          : undefined;
    } catch (error) {
      // Its worktree cannot be had back: the task is marked interrupted with the others.
      k.o.logger.warn({ err: error, task: task.id }, 'a busy session’s worktree is gone');
      continue;
    }
    if (!(await driver.busy(task.sessionId, directory))) continue;
    k.o.logger.info({ task: task.id, session: task.sessionId }, 'task re-attached to its busy session');
    await host.withLock(task.employee, () => host.reattach(agent, task));
    count++;
  }
  return count;
}

/**
 * At start-up, before interrupted tasks are announced: stray worktrees are removed, and the work of tasks that
 * were running is committed on their branches ("WIP (interrupted)"); returns those commits by task. Skipped
 * while a re-attached session still works in its worktree.
 */
async function cleanUpWorkspaces(k: RunnerKit, reattached: number): Promise<Map<number, string>> {
  const saved = new Map<number, string>();
  const workspaces = await k.workspaces().catch((error) => {
    k.o.logger.error({ err: error }, 'opening the task workspaces failed');
    return null;
  });
  if (workspaces?.mode !== 'git') return saved;
  if (reattached > 0) {
    k.o.logger.info('task worktrees kept: a re-attached session still works in one');
    return saved;
  }
  const keep = new Set<number>();
  for (const task of await k.o.repo.listTasks({ order: 'desc', limit: 5000 }))
    if (
      ['running', 'stuck', 'queued'].includes(task.status) ||
      task.branchState === 'open' ||
      task.branchState === 'conflict'
    )
      keep.add(task.id);
  try {
    const result = await workspaces.cleanup((taskId) => keep.has(taskId));
    for (const s of result.saved) saved.set(s.taskId, s.commit);
  } catch (error) {
    k.o.logger.error({ err: error }, 'cleaning up task worktrees failed');
  }
  return saved;
}

/** An interrupted task's branch: its saved work (or what it committed before) noted as `open`, else `empty`. */
async function noteSavedBranch(
  k: RunnerKit,
  task: Task,
  commit: string | null,
): Promise<{ task: Task; event: BranchEvent } | null> {
  const workspaces = await k.workspaces();
  if (!workspaces || !task.branch) return null;
  try {
    const files = (await workspaces.diff(task)).map((f) => ({
      path: f.path,
      additions: f.additions,
      deletions: f.deletions,
    }));
    const event: BranchEvent = {
      kind: 'branch',
      state: files.length > 0 ? 'open' : 'empty',
      branch: task.branch,
      base: task.baseBranch ?? '',
      commit: commit ?? task.commitSha,
      files,
      by: null,
      mergeCommit: null,
      conflicts: [],
    };
    if (event.state === 'empty' && !task.branchState) return null;
    const updated = await recordBranchState(k.o.repo, task, event);
    k.note(updated, event);
    return { task: updated, event };
  } catch (error) {
    // The branch is gone (it had nothing of its own): nothing to review.
    k.o.logger.info({ task: task.id, detail: (error as Error).message }, 'interrupted task has no branch');
    return null;
  }
}
