// The typed timeline of one task, shared by server and client: what `tasks.onUpdate` yields and the task card,
// the Telegram task message and the bench read. Every entry is stored before it is published (resumable by id).
import { z } from 'zod';

export const toolStates = ['pending', 'running', 'completed', 'error'] as const;
export const todoStates = ['pending', 'in_progress', 'completed', 'cancelled'] as const;
export const askKinds = ['question', 'permission'] as const;
export const resultStatuses = ['done', 'failed', 'stopped', 'interrupted'] as const;
export const branchStates = ['open', 'empty', 'merged', 'discarded', 'conflict'] as const;

export const tokenCountsSchema = z.object({
  input: z.number(),
  output: z.number(),
  reasoning: z.number(),
  cacheRead: z.number(),
  cacheWrite: z.number(),
});
export type TokenCounts = z.infer<typeof tokenCountsSchema>;

export const changedFileSchema = z.object({ path: z.string(), additions: z.number(), deletions: z.number() });
export type ChangedFile = z.infer<typeof changedFileSchema>;

/** One thing that happened in a task; `kind` says which. */
export const taskEventSchema = z.discriminatedUnion('kind', [
  /** The task's status changed (queued → running → stuck → running → done…); `reason` for failures and stops. */
  z.object({ kind: z.literal('status'), status: z.string(), reason: z.string().nullable() }),
  /** A tool call; the same `callId` appears again as it moves pending → running → completed | error. */
  z.object({
    kind: z.literal('tool'),
    callId: z.string(),
    tool: z.string(),
    state: z.enum(toolStates),
    title: z.string().nullable(),
    /** Short, clipped renderings for people (the full ones are in the task log). */
    input: z.string().nullable(),
    output: z.string().nullable(),
    error: z.string().nullable(),
  }),
  /** A finished piece of the agent's own text (not streamed deltas). */
  z.object({ kind: z.literal('text'), partId: z.string(), text: z.string() }),
  /** The agent's todo list, whole, as it is now. */
  z.object({
    kind: z.literal('todo'),
    todos: z.array(z.object({ content: z.string(), status: z.enum(todoStates) })),
  }),
  /** The model provider failed and the agent retries (`nextAt` ISO time of the next attempt). */
  z.object({
    kind: z.literal('retry'),
    attempt: z.number(),
    message: z.string(),
    nextAt: z.string().nullable(),
  }),
  /** One model step finished: its tokens and cost (USD). */
  z.object({ kind: z.literal('step'), tokens: tokenCountsSchema, cost: z.number() }),
  /**
   * The agent asks the team: a question (with options, answered by text or an option's number) or a permission
   * (answered allow | always | deny <reason>). `messageId` is the chat message that asks; replying to it answers.
   */
  z.object({
    kind: z.literal('ask'),
    askId: z.string(),
    ask: z.enum(askKinds),
    text: z.string(),
    options: z.array(z.string()),
    messageId: z.number().nullable(),
  }),
  /** An ask was settled: answered by someone, or rejected because nobody answered in time (`by` null). */
  z.object({ kind: z.literal('answered'), askId: z.string(), by: z.string().nullable(), answer: z.string() }),
  /** Help from a teammate passed to the working agent. */
  z.object({ kind: z.literal('help'), from: z.string(), text: z.string() }),
  /** A line of a command-mode worker's output (other coding agents than opencode). */
  z.object({ kind: z.literal('output'), stream: z.string(), line: z.string() }),
  /**
   * What happened to the task's git branch (task-branch.ts): committed (`open`, or `empty` when nothing changed),
   * `merged` / `discarded` (settled, its worktree is gone), or `conflict` (a merge was refused; `conflicts` lists the
   * files and the agent can be asked to resolve it).
   */
  z.object({
    kind: z.literal('branch'),
    state: z.enum(branchStates),
    /** `agent/alice/42-login-form`. */
    branch: z.string(),
    /** The branch it was made from and merges into. */
    base: z.string(),
    /** The task's commit on its branch (null: nothing committed). */
    commit: z.string().nullable(),
    /** Files changed on the branch against the base, with +/- lines. */
    files: z.array(changedFileSchema),
    /** Who merged or discarded it (null for the agent's own commit). */
    by: z.string().nullable(),
    /** The base's head after a merge (equal to `commit` for a fast-forward). */
    mergeCommit: z.string().nullable(),
    /** Files in conflict (state `conflict`). */
    conflicts: z.array(z.string()),
  }),
  /** The end: summary, files changed, totals. */
  z.object({
    kind: z.literal('result'),
    status: z.enum(resultStatuses),
    summary: z.string().nullable(),
    files: z.array(changedFileSchema),
    tokens: tokenCountsSchema.nullable(),
    cost: z.number().nullable(),
    durationMs: z.number().nullable(),
  }),
]);
export type TaskEvent = z.infer<typeof taskEventSchema>;

/** A stored timeline entry: `id` is monotonic across all tasks (the resume point of `tasks.onUpdate`). */
export interface TaskUpdate {
  id: number;
  taskId: number;
  employee: string;
  at: string;
  event: TaskEvent;
}

/** What one `tasks.onUpdate` frame carries: updates in id order, `tracked(String(lastId), …)`. */
export interface TaskUpdateBatch {
  updates: TaskUpdate[];
}
