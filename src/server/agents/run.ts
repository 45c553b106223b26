// One running worker and the state the runner, its output handling and its stuck watch keep about it.
import type { LogStream, Task } from '../db/agents-repository';
import type { TaskWorker } from './task-worker';
import type { OutputStream } from './worker';
import type { TaskWorkspace } from './workspace/workspaces';

/** A worker that is running now, with what the runner needs to know about it. */
export interface Run {
  task: Task;
  worker: TaskWorker;
  /** Command mode: where help from the team is appended. */
  helpFile: string | null;
  stuck: boolean;
  lastOutputAt: number;
  progress: string | null;
  /** Last meaningful lines, for the result message. */
  tail: { stream: OutputStream; line: string }[];
  pendingLog: { stream: LogStream; line: string }[];
  flushScheduled: boolean;
  stuckTimer: NodeJS.Timeout | null;
  stopReason: string | null;
  /** Where the worker runs: the task's worktree and branch (null: PROJECT_ROOT, no workspaces at all). */
  workspace?: TaskWorkspace | null;
  /** Resolves with the final task once the exit has been recorded. */
  finished: Promise<Task>;
}
