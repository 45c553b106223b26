// The contract of "agents side by side" (each task on its own git branch, reviewed and merged from the chat), shared
// by server and clients: the `branch` timeline entry, what tasks.diff returns, and what merge/discard answer.
import { z } from 'zod';
import type { branchStates, TaskEvent } from './task-timeline';

/** Where a task's branch stands (see the `branch` entry in task-timeline.ts for each state). */
export type BranchState = (typeof branchStates)[number];
export type BranchEvent = Extract<TaskEvent, { kind: 'branch' }>;

/** One file of a task's diff against its base: a unified patch (git's, 3 lines of context). */
export const fileDiffSchema = z.object({
  path: z.string(),
  /** Set for renames. */
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed']),
  additions: z.number(),
  deletions: z.number(),
  binary: z.boolean(),
  /** The `@@` hunks of `git diff` for this file (no `diff --git` header); empty for binary files. */
  patch: z.string(),
});
export type FileDiff = z.infer<typeof fileDiffSchema>;

/** What tasks.diff returns. */
export interface TaskDiff {
  taskId: number;
  employee: string;
  branch: string;
  base: string;
  state: BranchState;
  files: FileDiff[];
}

/** What tasks.merge returns (a conflict is an error: CONFLICT, with the files in the message). */
export interface MergeResult {
  taskId: number;
  branch: string;
  base: string;
  /** The base's new head. */
  commit: string;
  fastForward: boolean;
}
