// Tasks and workers: one running task per employee, a queue behind it, results posted to chat, and restart
// recovery. Starting a worker, its output, stuck detection and the result message live in their own modules.
import { appendFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { TaskEvent } from '../../shared/task-timeline';
import type { AgentsRepository, Employee, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';
import { KeyedLock } from '../serial';
import type { Roster } from './roster';
import type { Run } from './run';
import { RunOutput } from './run-output';
import { StuckWatch } from './stuck-watch';
import { recordResult, resultEvent } from './task-result';
import type { TimelineSink } from './timeline-sink';
import type { Voice } from './voice';
import type { OutputStream, WorkerExit } from './worker';
import { startFailure, startWorker } from './worker-launch';

export const DEFAULT_MODELS = {
  normal: 'anthropic/claude-3-5-haiku-20241022',
  smart: 'anthropic/claude-sonnet-4-20250514',
} as const;

export interface RunnerOptions {
  repo: AgentsRepository;
  roster: Roster;
  voice: Voice;
  logger: Logger;
  workerCommand: string | undefined;
  projectRoot: string;
  stuckAfterMs: number;
  progressIntervalMs?: number;
  killGraceMs?: number;
  /** Where the task's timeline entries go (tasks.onUpdate, the task card, the Telegram task message). */
  timeline: TimelineSink;
}

export interface RunView {
  task: Task;
  stuck: boolean;
  progress: string | null;
  pid: number | undefined;
}

export class TaskRunner {
  private readonly runs = new Map<string, Run>();
  private readonly locks = new KeyedLock();
  private readonly output: RunOutput;
  private readonly stuckWatch: StuckWatch;
  private shuttingDown = false;

  constructor(private readonly o: RunnerOptions) {
    this.output = new RunOutput({ ...o, shuttingDown: () => this.shuttingDown });
    this.stuckWatch = new StuckWatch({ ...o, isCurrent: (run) => this.runs.get(run.task.employee) === run });
  }

  /** Serialises queue changes per employee, so "one running task" holds and the queue keeps its order. */
  withLock<T>(employee: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(employee, fn);
  }

  active(employee: string): RunView | null {
    const run = this.runs.get(employee);
    if (!run) return null;
    return { task: run.task, stuck: run.stuck, progress: run.progress, pid: run.worker.pid };
  }

  /** Creates a queued task; `ahead` counts the tasks before it. Call startNext() once the acknowledgement is out. */
  async enqueue(input: {
    employee: Employee;
    description: string;
    assignedBy: string;
    messageId: number | null;
    model?: string;
    mode?: string;
  }): Promise<{ task: Task; ahead: number }> {
    const { employee } = input;
    const ahead = (
      await this.o.repo.listTasks({ employee: employee.name, statuses: ['running', 'stuck', 'queued'] })
    ).length;
    const task = await this.o.repo.createTask({
      employee: employee.name,
      description: input.description,
      assignedBy: input.assignedBy,
      messageId: input.messageId,
      model: input.model ?? DEFAULT_MODELS[employee.smartness],
      mode: input.mode ?? 'build',
    });
    this.note(task, { kind: 'status', status: 'queued', reason: null });
    return { task, ahead };
  }

  /** Starts the employee's oldest queued task unless one is running. */
  startNext(employee: string): Promise<void> {
    return this.withLock(employee, async () => {
      while (!this.shuttingDown && !this.runs.has(employee)) {
        const profile = this.o.roster.get(employee);
        // Claimed (queued -> running in one statement) before the worker starts, so a task runs once even if two
        // instances believe they run the agents for a moment.
        const task = profile ? await this.o.repo.claimNextTask(employee, new Date().toISOString()) : null;
        if (!profile || !task) {
          if (profile) this.o.roster.setStatus(employee, 'idle', null);
          return;
        }
        if (await this.launch(profile, task)) return;
        // It failed to start; try the next queued task.
      }
    });
  }

  /** Returns false when the worker could not start (the task is failed and the chat told why). */
  private async launch(employee: Employee, task: Task): Promise<boolean> {
    let started: ReturnType<typeof startWorker>;
    let run: Run | undefined;
    try {
      started = startWorker(employee, task, this.o, (stream, line) => {
        if (run) this.onLine(run, stream, line);
      });
    } catch (error) {
      const reason = startFailure(error);
      await this.o.repo.updateTask(task.id, {
        status: 'failed',
        reason,
        // It never started: the claim's start time does not count.
        startedAt: null,
        finishedAt: new Date().toISOString(),
      });
      await this.o.repo.appendTaskLog(task.id, [{ stream: 'system', line: reason }]);
      this.o.logger.warn({ agent: employee.name, task: task.id, reason }, 'worker did not start');
      this.note(task, { kind: 'status', status: 'failed', reason });
      this.note(task, {
        kind: 'result',
        status: 'failed',
        summary: reason,
        files: [],
        tokens: null,
        cost: null,
        durationMs: null,
      });
      await this.o.voice.say(employee.name, `I can't start work: ${reason}`, { replyTo: task.messageId });
      return false;
    }
    const { worker, helpFile } = started;
    let finish: (task: Task) => void = () => {};
    run = {
      task,
      worker,
      helpFile,
      stuck: false,
      lastOutputAt: Date.now(),
      progress: null,
      tail: [],
      pendingLog: [],
      flushScheduled: false,
      stuckTimer: null,
      stopReason: null,
      finished: new Promise((resolveFinished) => {
        finish = resolveFinished;
      }),
    };
    const current = run;
    this.runs.set(employee.name, current);
    this.o.roster.setStatus(employee.name, 'working', task.description);
    this.o.logger.info({ agent: employee.name, task: task.id, pid: worker.pid }, 'worker started');
    this.note(task, { kind: 'status', status: 'running', reason: null });
    this.stuckWatch.arm(current);
    void worker.exited
      .then((exit) => this.onExit(current, exit))
      .then(finish, (error) => {
        this.o.logger.error({ err: error, task: task.id }, 'recording a worker exit failed');
        finish(current.task);
      });
    return true;
  }

  private onLine(run: Run, stream: OutputStream, line: string): void {
    const text = this.output.record(run, stream, line);
    if (text === null) return;
    this.stuckWatch.resume(run);
    this.output.postProgress(run, text);
  }

  /** Help from the team: appended to sessions/<name>/help.md and written to the worker's stdin. */
  deliverHelp(employee: string, from: string, text: string): boolean {
    const run = this.runs.get(employee);
    if (!run) return false;
    appendFileSync(run.helpFile, `## From @${from} at ${new Date().toISOString()}\n\n${text}\n\n`);
    run.worker.write(`Help from @${from}: ${text.replace(/\s*\n\s*/g, ' ')}`);
    this.output.log(run, 'help', `@${from}: ${text}`);
    this.note(run.task, { kind: 'help', from, text });
    return true;
  }

  private async onExit(run: Run, exit: WorkerExit): Promise<Task> {
    const employee = run.task.employee;
    this.stuckWatch.disarm(run);
    this.runs.delete(employee);
    await this.output.flush(run);
    // On shutdown the task stays "running": the next start marks it interrupted and says so in chat.
    if (this.shuttingDown && !run.stopReason) return run.task;
    const text = await recordResult(this.o.repo, run, exit);
    this.note(run.task, { kind: 'status', status: run.task.status, reason: run.task.reason });
    this.note(run.task, resultEvent(run));
    this.o.logger.info({ agent: employee, task: run.task.id, status: run.task.status }, 'worker finished');
    if (this.o.roster.get(employee)) await this.o.voice.say(employee, text, { replyTo: run.task.messageId });
    if (!this.shuttingDown) void this.startNext(employee);
    return run.task;
  }

  /** Stops the running task of `employee` (SIGTERM to its group, SIGKILL after the grace period). */
  async stop(employee: string, reason: string): Promise<Task> {
    const run = this.runs.get(employee);
    if (!run) throw new ChatError('NOT_FOUND', `${employee} has no running task to stop`);
    run.stopReason = reason;
    await run.worker.stop();
    return run.finished;
  }

  /** On start-up: tasks that were running when the server went down are interrupted; queued ones start again. */
  async recover(): Promise<void> {
    // An instance that lost the agents role and wins it back runs workers again.
    this.shuttingDown = false;
    const interrupted = await this.o.repo.moveTasks(
      ['running', 'stuck'],
      'interrupted',
      'the server restarted while it was running',
    );
    for (const task of interrupted) {
      this.note(task, { kind: 'status', status: 'interrupted', reason: task.reason });
      this.note(task, { ...resultEvent({ task, tail: [] }), status: 'interrupted' });
      if (!this.o.roster.get(task.employee)) continue;
      await this.o.voice.say(
        task.employee,
        `⚠️ Interrupted: ${task.description} — the server restarted while I was working on it. Assign it again if it is still needed.`,
        { replyTo: task.messageId },
      );
    }
    for (const employee of this.o.roster.all()) void this.startNext(employee.name);
  }

  /** A timeline entry, stored in the background: the work goes on even if it cannot be stored (it is logged). */
  private note(task: Task, event: TaskEvent): void {
    this.o.timeline.append(task, event).catch((err) => {
      this.o.logger.error({ err, task: task.id, kind: event.kind }, 'could not store a timeline entry');
    });
  }

  /** Stops every worker without recording a result: their tasks are marked interrupted on the next start. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const runs = [...this.runs.values()];
    await Promise.all(runs.map((run) => run.worker.stop().then(() => run.finished)));
    await this.locks.idle();
  }
}
