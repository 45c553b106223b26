// A worker's output: every line goes to the task log (in batches), the last ones are kept for the result
// message, the latest is the task's progress, and now and then it is posted in chat as "🔄 task: line".
import type { Logger } from 'pino';
import type { AgentsRepository, LogStream } from '../db/agents-repository';
import type { RunningTask } from './running-task';
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
  constructor(private readonly d: RunOutputDeps) {}

  /** Logs the line and, unless it is blank, keeps it as the latest output; returns its trimmed text or null. */
  record(run: RunningTask, stream: OutputStream, line: string): string | null {
    this.log(run, stream, line);
    const text = line.trim();
    if (!text) return null;
    run.heard(stream, text);
    run.queueTimeline({ kind: 'output', stream, line: clip(text, 500) });
    return text;
  }

  /** Posts the line as progress in chat unless the agent did so within the interval. */
  postProgress(run: RunningTask, text: string): void {
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
  log(run: RunningTask, stream: LogStream, line: string): void {
    if (run.queueLog(stream, line)) setImmediate(() => void this.flush(run));
  }

  async flush(run: RunningTask): Promise<void> {
    const { lines, entries } = run.takePending();
    try {
      await this.d.repo.appendTaskLog(run.task.id, lines);
      if (lines.length) await run.saveProgress();
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
