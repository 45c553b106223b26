// A worker's output: every line goes to the task log (in batches), the last ones are kept for the result
// message, the latest is the task's progress, and now and then it is posted in chat as "🔄 task: line".
import type { Logger } from 'pino';
import type { TaskEvent } from '../../shared/task-timeline';
import type { AgentsRepository, LogStream } from '../db/agents-repository';
import type { Run } from './run';
import type { TimelineSink } from './timeline-sink';
import { clip, type Voice } from './voice';
import type { OutputStream } from './worker';

export const PROGRESS_INTERVAL_MS = 30_000;

export interface RunOutputDeps {
  repo: AgentsRepository;
  voice: Voice;
  logger: Logger;
  progressIntervalMs?: number;
  timeline: TimelineSink;
  /** No progress posts while the runner stops its workers. */
  shuttingDown: () => boolean;
}

export class RunOutput {
  /** Per agent, not per task: back-to-back tasks do not reset the 30 s progress window. */
  private readonly lastProgressPostAt = new Map<string, number>();
  /** Output lines waiting to become timeline entries, written with the log batch they belong to. */
  private readonly pendingTimeline = new WeakMap<Run, TaskEvent[]>();

  constructor(private readonly d: RunOutputDeps) {}

  /** Logs the line and, unless it is blank, keeps it as the latest output; returns its trimmed text or null. */
  record(run: Run, stream: OutputStream, line: string): string | null {
    this.log(run, stream, line);
    const text = line.trim();
    if (!text) return null;
    run.lastOutputAt = Date.now();
    run.progress = clip(text, 200);
    run.tail.push({ stream, line: clip(text, 300) });
    const pending = this.pendingTimeline.get(run) ?? [];
    pending.push({ kind: 'output', stream, line: clip(text, 500) });
    this.pendingTimeline.set(run, pending);
    if (run.tail.length > 20) run.tail.shift();
    return text;
  }

  /** Posts the line as progress in chat unless the agent did so within the interval. */
  postProgress(run: Run, text: string): void {
    const interval = this.d.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const agent = run.task.employee;
    if (Date.now() - (this.lastProgressPostAt.get(agent) ?? 0) >= interval && !this.d.shuttingDown()) {
      this.lastProgressPostAt.set(agent, Date.now());
      void this.d.voice.say(run.task.employee, `🔄 ${clip(run.task.description, 60)}: ${clip(text, 160)}`, {
        unsolicited: true,
      });
    }
  }

  /** Log lines are written in batches, one insert per event-loop turn, not one per line. */
  log(run: Run, stream: LogStream, line: string): void {
    run.pendingLog.push({ stream, line });
    if (run.flushScheduled) return;
    run.flushScheduled = true;
    setImmediate(() => void this.flush(run));
  }

  async flush(run: Run): Promise<void> {
    run.flushScheduled = false;
    const lines = run.pendingLog;
    run.pendingLog = [];
    const entries = this.pendingTimeline.get(run) ?? [];
    this.pendingTimeline.delete(run);
    try {
      await this.d.repo.appendTaskLog(run.task.id, lines);
      if (lines.length) run.task = await this.d.repo.updateTask(run.task.id, { progress: run.progress });
    } catch (error) {
      this.d.logger.error({ err: error, task: run.task.id }, 'writing the task log failed');
    }
    try {
      for (const event of entries) await this.d.timeline.append(run.task, event);
    } catch (error) {
      this.d.logger.error({ err: error, task: run.task.id }, 'writing the task timeline failed');
    }
  }
}
