// One task whose worker runs now: the state kept about it and its transitions (started, progress, stuck and back,
// stopping, exited, result recorded, branch noted, settled), each a method; nothing else writes its fields.
import type { BranchEvent } from '../../shared/task-branch';
import type { TaskEvent } from '../../shared/task-timeline';
import type { AgentsRepository, LogStream, Task, TaskPatch } from '../db/agents-repository';
import { recordBranchState } from './branch-state';
import type { TaskWorker } from './task-worker';
import { clip } from './voice';
import type { OutputStream } from './worker';
import type { TaskWorkspace } from './workspace/workspaces';

/**
 * `running` and `stopping` are live (the worker may still speak); a live task is stuck or not besides.
 * `exited` → `recorded` (its end written) → `settled` (whoever waits for it is told); shutdown settles from `exited`.
 */
export type RunPhase = 'running' | 'stopping' | 'exited' | 'recorded' | 'settled';

export interface TailLine {
  stream: OutputStream;
  line: string;
}

/** A transition the task's phase does not allow: a bug in the caller, never a person's mistake. */
export class IllegalTransitionError extends Error {
  constructor(taskId: number, from: RunPhase, to: string) {
    super(`task #${taskId} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

const TAIL_LINES = 20;

export class RunningTask {
  readonly worker: TaskWorker;
  /** Command mode: where help from the team is appended. */
  readonly helpFile: string | null;
  /** Where the worker runs: the task's worktree and branch (null: PROJECT_ROOT, no workspaces at all). */
  readonly workspace: TaskWorkspace | null;
  /** Resolves with the final task once the exit has been recorded (or, on shutdown, left as it was). */
  readonly finished: Promise<Task>;

  private current: Task;
  private phaseNow: RunPhase = 'running';
  private isStuck = false;
  private reason: string | null = null;
  private lastHeard = Date.now();
  private latest: string | null = null;
  private readonly lastLines: TailLine[] = [];
  private pendingLog: { stream: LogStream; line: string }[] = [];
  /** Output lines waiting to become timeline entries, written with the log batch they belong to. */
  private pendingTimeline: TaskEvent[] = [];
  private flushDue = false;
  private timer: NodeJS.Timeout | null = null;
  private settle: (task: Task) => void = () => {};

  /** Started: the worker runs (the task row already says `running`). */
  constructor(
    private readonly repo: AgentsRepository,
    task: Task,
    started: { worker: TaskWorker; helpFile?: string | null; workspace?: TaskWorkspace | null },
  ) {
    this.current = task;
    this.worker = started.worker;
    this.helpFile = started.helpFile ?? null;
    this.workspace = started.workspace ?? null;
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  get task(): Task {
    return this.current;
  }

  get phase(): RunPhase {
    return this.phaseNow;
  }

  /** The worker may still speak: running or stopping. */
  get live(): boolean {
    return this.phaseNow === 'running' || this.phaseNow === 'stopping';
  }

  get stuck(): boolean {
    return this.isStuck;
  }

  /** Why it was stopped (set once a stop was asked for). */
  get stopReason(): string | null {
    return this.reason;
  }

  get lastOutputAt(): number {
    return this.lastHeard;
  }

  /** The latest meaningful line, clipped. */
  get progress(): string | null {
    return this.latest;
  }

  /** The last meaningful lines, for the result message. */
  get tail(): readonly TailLine[] {
    return this.lastLines;
  }

  /** Whether the worker waits for a person (a question or permission ask): waiting is not being stuck. */
  waiting(): boolean {
    return this.worker.waiting?.() ?? false;
  }

  /** Activity without a line (a tool call, an ask, a person's answer awaited): it is alive. */
  alive(): void {
    this.lastHeard = Date.now();
  }

  /** Progress: a meaningful line (trimmed, not blank) is the latest output and joins the tail. */
  heard(stream: OutputStream, text: string): void {
    this.lastHeard = Date.now();
    this.latest = clip(text, 200);
    this.lastLines.push({ stream, line: clip(text, 300) });
    if (this.lastLines.length > TAIL_LINES) this.lastLines.shift();
  }

  /** A line for the task log; true when it starts a new batch (the caller schedules one flush per batch). */
  queueLog(stream: LogStream, line: string): boolean {
    this.pendingLog.push({ stream, line });
    if (this.flushDue) return false;
    this.flushDue = true;
    return true;
  }

  /** A timeline entry written after the log batch it belongs to. */
  queueTimeline(event: TaskEvent): void {
    this.pendingTimeline.push(event);
  }

  /** The batch waiting to be written; the next queued line starts a new one. */
  takePending(): { lines: { stream: LogStream; line: string }[]; entries: TaskEvent[] } {
    const batch = { lines: this.pendingLog, entries: this.pendingTimeline };
    this.pendingLog = [];
    this.pendingTimeline = [];
    this.flushDue = false;
    return batch;
  }

  /** Stores the latest output as the task's progress. */
  async saveProgress(): Promise<void> {
    await this.write({ progress: this.latest });
  }

  /** Calls `onDue` after `ms` unless the worker exits first; replaces the previous timer. Not once it exited. */
  watch(ms: number, onDue: () => void): void {
    if (!this.live) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      onDue();
    }, ms);
    this.timer.unref();
  }

  /** Stuck: silent for too long. Refused (false) unless live and not stuck already; resolves once stored. */
  async becomeStuck(): Promise<boolean> {
    if (!this.live || this.isStuck) return false;
    this.isStuck = true;
    await this.write({ status: 'stuck' });
    return true;
  }

  /** Working again after being stuck; refused (false) unless stuck. The status is stored in the background. */
  unstick(): boolean {
    if (!this.isStuck) return false;
    this.isStuck = false;
    void this.write({ status: 'running' });
    return true;
  }

  /** Stopping: the end will be recorded as stopped for `reason`. Refused (false) unless running. */
  requestStop(reason: string): boolean {
    if (this.phaseNow !== 'running') return false;
    this.phaseNow = 'stopping';
    this.reason = reason;
    return true;
  }

  /** The worker has exited: no more timers. */
  exited(): void {
    if (!this.live) throw new IllegalTransitionError(this.current.id, this.phaseNow, 'exited');
    this.phaseNow = 'exited';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Finished, failed, stopped or interrupted: `end` (status, reason, exit code, finish time) is stored. */
  async record(end: TaskPatch): Promise<Task> {
    if (this.phaseNow !== 'exited')
      throw new IllegalTransitionError(this.current.id, this.phaseNow, 'recorded');
    this.phaseNow = 'recorded';
    return this.write(end);
  }

  /** Its work committed on its branch (or the branch in conflict): stored on it and its branch's other tasks. */
  async committed(event: BranchEvent): Promise<Task> {
    if (this.phaseNow !== 'recorded')
      throw new IllegalTransitionError(this.current.id, this.phaseNow, 'committed');
    this.current = await recordBranchState(this.repo, this.current, event);
    return this.current;
  }

  /** Whoever waits for the end (stop, fire, shutdown) gets the task as it is now. */
  settled(): Task {
    if (this.live || this.phaseNow === 'settled')
      throw new IllegalTransitionError(this.current.id, this.phaseNow, 'settled');
    this.phaseNow = 'settled';
    this.settle(this.current);
    return this.current;
  }

  private async write(patch: TaskPatch): Promise<Task> {
    this.current = await this.repo.updateTask(this.current.id, patch);
    return this.current;
  }
}
