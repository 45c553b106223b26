// A worker's output and activity: every line goes to the task log (in batches), the last ones are kept for the
// result message, the latest is the task's progress (it unsticks a stuck task), and now and then it is posted in
// the task's thread as "🔄 task: line".
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
  /** The worker showed it is alive: a stuck task works again. */
  resumed: (run: RunningTask) => void;
}

export class RunOutput {
  /** Per agent, not per task: back-to-back tasks do not reset the 30 s progress window. */
  private readonly lastProgressPostAt = new Map<string, number>();
  constructor(private readonly d: RunOutputDeps) {}

  /** A command worker's line: logged, and unless it is blank the latest output, a timeline entry and progress. */
  line(run: RunningTask, stream: OutputStream, line: string): void {
    this.log(run, stream, line);
    const text = line.trim();
    if (!text) return;
    run.heard(stream, text);
    run.queueTimeline({ kind: 'output', stream, line: clip(text, 500) });
    this.d.resumed(run);
    this.postProgress(run, text);
  }

  /**
   * Something happened in an opencode session: it is alive (unless `alive` is false: a retry, an error); a line
   * goes to the log and, when meaningful, is the latest output and maybe a chat post.
   */
  activity(run: RunningTask, line: string | null, stream: LogStream = 'stdout', alive = true): void {
    if (alive) {
      run.alive();
      this.d.resumed(run);
    }
    if (line === null) return;
    this.log(run, stream, line);
    if (!alive) return;
    const text = line.trim();
    if (!text || stream === 'help') return;
    run.heard(stream === 'stderr' ? 'stderr' : 'stdout', text);
    this.postProgress(run, text);
  }

  /** Posts the line as progress in chat unless the agent did so within the interval. */
  private postProgress(run: RunningTask, text: string): void {
    const interval = this.d.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const agent = run.task.employee;
    if (Date.now() - (this.lastProgressPostAt.get(agent) ?? 0) >= interval && !this.d.shuttingDown()) {
      this.lastProgressPostAt.set(agent, Date.now());
      void this.d.voice.sayAbout(run.task, `🔄 ${clip(run.task.description, 60)}: ${clip(text, 160)}`, {
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
