// Starting a claimed task's worker: its worktree and branch first, then an opencode session (or the command). When
// that fails, the task is failed with the reason (operators) and the agent says why in the chat (people).

import type { TaskEvent } from '../../shared/task-timeline';
import type { Agent, LogStream, Task } from '../db/agents-repository';
import { resolvePrompt } from './branch-report';
import { SessionStartError } from './opencode/driver';
import type { RunnerKit } from './runner-kit';
import type { TaskWorker } from './task-worker';
import type { OutputStream } from './worker';
import { startFailure, startWorker } from './worker-launch';
import { taskIdOfBranch } from './workspace/naming';
import { type TaskWorkspace, WorkspaceError } from './workspace/workspaces';

/** What a started worker reports: timeline entries and activity (opencode), or output lines (command mode). */
export interface WorkerHooks {
  note: (event: TaskEvent) => void;
  activity: (line: string | null, stream?: LogStream, alive?: boolean) => void;
  line: (stream: OutputStream, line: string) => void;
}

export interface Launched {
  /** The task as stored once its branch was set. */
  task: Task;
  worker: TaskWorker;
  helpFile: string | null;
  workspace: TaskWorkspace | null;
}

/** Starts the task's worker (`attachOnly`: follows its busy session again); null when it could not start. */
export async function launchTask(
  k: RunnerKit,
  agent: Agent,
  task: Task,
  hooks: WorkerHooks,
  attachOnly = false,
): Promise<Launched | null> {
  try {
    const prepared = await prepareWorkspace(k, task);
    task = prepared.task;
    const { workspace } = prepared;
    const prompt =
      prepared.conflicts.length > 0 && workspace?.base
        ? resolvePrompt(task, workspace.base, prepared.conflicts, task.assignedBy)
        : undefined;
    if (k.o.driver) {
      const worker = await k.o.driver.start(
        agent,
        task,
        { note: hooks.note, activity: hooks.activity },
        { attachOnly, directory: workspace?.dir, prompt },
      );
      return { task, worker, helpFile: null, workspace };
    }
    const started = startWorker(
      agent,
      task,
      { ...k.o, projectRoot: workspace?.dir ?? k.o.projectRoot },
      hooks.line,
    );
    return { task, ...started, workspace };
  } catch (error) {
    await failStart(k, agent, task, error);
    return null;
  }
}

/**
 * The task's worktree and branch (stored on the task before anything else), and for a continuation of a branch in
 * conflict the files git left conflict markers in (the agent is asked to resolve them).
 */
async function prepareWorkspace(
  k: RunnerKit,
  task: Task,
): Promise<{ task: Task; workspace: TaskWorkspace | null; conflicts: string[] }> {
  const workspaces = await k.workspaces();
  if (!workspaces) return { task, workspace: null, conflicts: [] };
  // A continuation works where its branch's first task did: opencode keeps a session's working directory.
  const home = task.branch ? { ...task, id: taskIdOfBranch(task.branch) ?? task.id } : task;
  const workspace = await workspaces.prepare(home);
  // A new branch (or one made again after its predecessor was merged, discarded or empty) has nothing yet.
  const fresh =
    workspace.branch !== task.branch ||
    (task.branchState !== null && task.branchState !== 'open' && task.branchState !== 'conflict');
  if (workspace.branch && (fresh || workspace.base !== task.baseBranch))
    task = await k.o.repo.updateTask(task.id, {
      branch: workspace.branch,
      baseBranch: workspace.base,
      ...(fresh ? { branchState: null, commitSha: null } : {}),
    });
  const conflicts =
    workspace.branch && task.branchState === 'conflict'
      ? await workspaces.startResolve({ ...task, id: home.id })
      : [];
  return { task, workspace, conflicts };
}

/** Why a task could not start: `reason` for the task and log (operators), `chat` for people. */
function startError(error: unknown): { reason: string; chat: string } {
  if (error instanceof SessionStartError) return { reason: error.detail, chat: error.chat };
  if (error instanceof WorkspaceError) return { reason: error.message, chat: error.chat };
  const reason = startFailure(error);
  return { reason, chat: startFailure(error, true) };
}

/** The task failed before its worker ran: stored, logged, noted on its timeline and said in the chat. */
async function failStart(k: RunnerKit, agent: Agent, task: Task, error: unknown): Promise<void> {
  const { reason, chat } = startError(error);
  await k.o.repo.updateTask(task.id, {
    status: 'failed',
    reason,
    // It never started: the claim's start time does not count.
    startedAt: null,
    finishedAt: new Date().toISOString(),
  });
  await k.o.repo.appendTaskLog(task.id, [{ stream: 'system', line: reason }]);
  k.o.logger.warn({ agent: agent.name, task: task.id, reason }, 'worker did not start');
  k.note(task, { kind: 'status', status: 'failed', reason });
  k.note(task, {
    kind: 'result',
    status: 'failed',
    summary: reason,
    files: [],
    tokens: null,
    cost: null,
    durationMs: null,
  });
  await k.o.voice.sayAbout(task, `I can't start work: ${chat}`, { alsoToChannel: true });
}
