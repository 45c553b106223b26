// What the task runner drives for a running task: a command-mode worker process or an opencode session.
import type { ChangedFile, TokenCounts } from '../../shared/task-timeline';

/** How an opencode session's task ended, with what the result message needs. */
export interface SessionOutcome {
  status: 'done' | 'failed' | 'stopped' | 'interrupted';
  /** The agent's last text. */
  summary: string | null;
  /** For failures: a sentence for people; `detail` is the operator's version (task log). */
  failure: string | null;
  detail: string | null;
  files: ChangedFile[];
  tokens: TokenCounts | null;
  cost: number | null;
}

export interface TaskExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() ended it. */
  stopped: boolean;
  /** Set when the process could not be started at all (e.g. EACCES). */
  error?: Error;
  /** Set by the opencode driver. */
  outcome?: SessionOutcome;
}

export interface TaskWorker {
  readonly pid: number | undefined;
  readonly exited: Promise<TaskExit>;
  /** Ends the work at once (command: SIGTERM then SIGKILL; opencode: session.abort). */
  stop(): Promise<TaskExit>;
  /** Passes help from a teammate to the working agent; false when it cannot take any. */
  help(from: string, text: string): boolean;
  /** Whether it waits for a person (a question or permission ask): waiting is not being stuck. */
  waiting?(): boolean;
  /** Stops following the work without ending it (an attached opencode server keeps working across our restart). */
  detach?(): void;
}
