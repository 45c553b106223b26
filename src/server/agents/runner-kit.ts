// What the task runner's parts share: its settings and collaborators, the task workspaces, timeline notes and the
// chat threads that belong to tasks.
import type { Logger } from 'pino';
import type { TaskEvent } from '../../shared/task-timeline';
import type { AgentsRepository, Task } from '../db/agents-repository';
import type { OpencodeDriver } from './opencode/driver';
import type { Roster } from './roster';
import { TaskThreads } from './task-threads';
import type { TimelineSink } from './timeline-sink';
import type { Voice } from './voice';
import type { Workspaces } from './workspace/workspaces';

export interface RunnerOptions {
  repo: AgentsRepository;
  roster: Roster;
  voice: Voice;
  logger: Logger;
  workerCommand: string | undefined;
  projectRoot: string;
  /** The server's own state (per-task help files); never inside the project. */
  dataDir: string;
  /** AGENT_MODEL; empty: opencode's configured default. */
  defaultModel: string;
  /** Drives opencode when there is no AGENT_WORKER_COMMAND (the default). */
  driver?: OpencodeDriver;
  stuckAfterMs: number;
  progressIntervalMs?: number;
  killGraceMs?: number;
  /** Where the task's timeline entries go (tasks.onUpdate, the task card, the Telegram task message). */
  timeline: TimelineSink;
  /** Where tasks work: a git worktree and branch each, or PROJECT_ROOT in turns (opened on first use). */
  workspaces?: () => Promise<Workspaces>;
}

export class RunnerKit {
  /** Chat messages that belong to a task (its mention, result, interruption): replies to them continue it. */
  readonly threads: TaskThreads;

  constructor(readonly o: RunnerOptions) {
    this.threads = new TaskThreads(o.repo);
  }

  /** The workspaces, or null when none were configured (then every task runs in PROJECT_ROOT, unqueued). */
  async workspaces(): Promise<Workspaces | null> {
    return this.o.workspaces ? this.o.workspaces() : null;
  }

  /** A timeline entry, stored in the background: the work goes on even if it cannot be stored (it is logged). */
  note(task: Task, event: TaskEvent): void {
    this.o.timeline.append(task, event).catch((err) => {
      this.o.logger.error({ err, task: task.id, kind: event.kind }, 'could not store a timeline entry');
    });
  }
}
