// Stuck detection: a worker silent for AGENT_STUCK_AFTER_MS is stuck, its task and status say so, and it asks the
// team for help in its task's thread (the help desk takes it from there). Its next output unsticks it.
import type { Logger } from 'pino';
import type { AgentsRepository } from '../db/agents-repository';
import type { Roster } from './roster';
import type { RunningTask } from './running-task';
import type { TimelineSink } from './timeline-sink';
import { clip, type Voice } from './voice';

export interface StuckWatchDeps {
  repo: AgentsRepository;
  roster: Roster;
  voice: Voice;
  logger: Logger;
  stuckAfterMs: number;
  timeline: TimelineSink;
}

export class StuckWatch {
  constructor(private readonly d: StuckWatchDeps) {}

  /** Sets the run's timer for when it has been silent for too long (the run drops it when its worker exits). */
  arm(run: RunningTask): void {
    const due = run.lastOutputAt + this.d.stuckAfterMs - Date.now();
    run.watch(Math.max(due, 10), () => {
      if (!run.live) return;
      // Waiting for a person's answer is not being stuck: the wait counts as activity.
      if (run.waiting()) run.alive();
      // Output since the timer was set moves the deadline instead of re-arming a timer per line.
      if (run.stuck || Date.now() - run.lastOutputAt < this.d.stuckAfterMs) this.arm(run);
      else void this.becomeStuck(run);
    });
  }

  /** Output from the worker: if it was stuck, it is working again. */
  resume(run: RunningTask): void {
    if (!run.unstick()) return;
    this.note(run, 'running');
    this.d.roster.setStatus(run.task.employee, 'working', run.task.description);
  }

  private note(run: RunningTask, status: 'running' | 'stuck'): void {
    this.d.timeline.append(run.task, { kind: 'status', status, reason: null }).catch((err) => {
      this.d.logger.error({ err, task: run.task.id }, 'could not store a timeline entry');
    });
  }

  private async becomeStuck(run: RunningTask): Promise<void> {
    if (!(await run.becomeStuck())) return;
    // Activity (a permission ask, a tool call) may have arrived while the status was written: resume() has then
    // set it working again, and asking the team now would ask for help while it waits for a person.
    if (!run.live) return;
    if (!run.stuck || run.waiting()) {
      this.resume(run);
      this.arm(run);
      return;
    }
    this.note(run, 'stuck');
    this.d.roster.setStatus(run.task.employee, 'stuck', run.task.description);
    this.d.logger.info({ agent: run.task.employee, task: run.task.id }, 'worker is stuck; asking for help');
    const soFar = run.progress ?? 'no output yet';
    // The help request is an ordinary message in the task's thread; the help desk sees it on the bus like everyone
    // else, and replies in the thread reach the worker.
    await this.d.voice.sayAbout(
      run.task,
      `@team I need help with ${clip(run.task.description, 300)}. So far: ${clip(soFar, 300)}. Any ideas?`,
    );
    this.arm(run);
  }
}
