// Tasks and workers: one running task per employee, a queue behind it, worker output as log and progress,
// stuck detection (which asks the team for help), results posted to chat, and restart recovery.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AgentsRepository, Employee, LogStream, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';
import { CommandTemplateError, DEFAULT_WORKER_COMMAND, fillTemplate, splitCommand } from './command-template';
import { describeRole } from './roles';
import type { Roster } from './roster';
import { KeyedLock } from './serial';
import { clip, type Voice } from './voice';
import { type OutputStream, Worker, type WorkerExit, WorkerNotInstalledError } from './worker';

export const PROGRESS_INTERVAL_MS = 30_000;
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
}

/** A worker that is running now, with what the runner needs to know about it. */
interface Run {
  task: Task;
  worker: Worker;
  helpFile: string;
  stuck: boolean;
  lastOutputAt: number;
  progress: string | null;
  /** Last meaningful lines, for the result message. */
  tail: { stream: OutputStream; line: string }[];
  pendingLog: { stream: LogStream; line: string }[];
  flushScheduled: boolean;
  stuckTimer: NodeJS.Timeout | null;
  stopReason: string | null;
  /** Resolves with the final task once the exit has been recorded. */
  finished: Promise<Task>;
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
  /** Per agent, not per task: back-to-back tasks do not reset the 30 s progress window. */
  private readonly lastProgressPostAt = new Map<string, number>();
  private shuttingDown = false;

  constructor(private readonly o: RunnerOptions) {}

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

  private prompt(employee: Employee, task: Task, helpFile: string): string {
    return [
      `You are ${employee.name}, ${describeRole(employee.role)} on a software team.`,
      `Your task: ${task.description}`,
      `Work in ${resolve(this.o.projectRoot)}. Print short progress lines as you go.`,
      `If you get stuck, say what you tried and wait: help from the team is appended to ${helpFile} and written to your standard input.`,
    ].join('\n');
  }

  /** Returns false when the worker could not start (the task is failed and the chat told why). */
  private async launch(employee: Employee, task: Task): Promise<boolean> {
    const root = resolve(this.o.projectRoot);
    const sessionDir = join(root, 'sessions', employee.name);
    const helpFile = join(sessionDir, 'help.md');
    const template = this.o.workerCommand || DEFAULT_WORKER_COMMAND;
    let worker: Worker;
    let run: Run | undefined;
    try {
      mkdirSync(sessionDir, { recursive: true });
      const argv = fillTemplate(splitCommand(template), {
        model: task.model,
        prompt: this.prompt(employee, task, helpFile),
        task: task.description,
        mode: task.mode,
        name: employee.name,
        role: employee.role,
        help_file: helpFile,
        session_dir: sessionDir,
        task_id: String(task.id),
      });
      worker = Worker.start(argv, {
        cwd: root,
        env: {
          ...process.env,
          AGENT_NAME: employee.name,
          AGENT_ROLE: employee.role,
          AGENT_TASK_ID: String(task.id),
          AGENT_HELP_FILE: helpFile,
        },
        killGraceMs: this.o.killGraceMs,
        onLine: (stream, line) => {
          if (run) this.onLine(run, stream, line);
        },
      });
    } catch (error) {
      const reason =
        error instanceof WorkerNotInstalledError
          ? `${error.message}; set AGENT_WORKER_COMMAND`
          : error instanceof CommandTemplateError
            ? error.message
            : `could not start the worker: ${(error as Error).message}`;
      await this.o.repo.updateTask(task.id, {
        status: 'failed',
        reason,
        // It never started: the claim's start time does not count.
        startedAt: null,
        finishedAt: new Date().toISOString(),
      });
      await this.o.repo.appendTaskLog(task.id, [{ stream: 'system', line: reason }]);
      this.o.logger.warn({ agent: employee.name, task: task.id, reason }, 'worker did not start');
      await this.o.voice.say(employee.name, `I can't start work: ${reason}`, { replyTo: task.messageId });
      return false;
    }
    const started = task;
    let finish: (task: Task) => void = () => {};
    run = {
      task: started,
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
    this.armStuckTimer(current);
    void worker.exited
      .then((exit) => this.onExit(current, exit))
      .then(finish, (error) => {
        this.o.logger.error({ err: error, task: task.id }, 'recording a worker exit failed');
        finish(current.task);
      });
    return true;
  }

  private onLine(run: Run, stream: OutputStream, line: string): void {
    run.pendingLog.push({ stream, line });
    this.scheduleFlush(run);
    const text = line.trim();
    if (!text) return;
    run.lastOutputAt = Date.now();
    run.progress = clip(text, 200);
    run.tail.push({ stream, line: clip(text, 300) });
    if (run.tail.length > 20) run.tail.shift();
    if (run.stuck) {
      run.stuck = false;
      void this.o.repo.updateTask(run.task.id, { status: 'running' }).then((t) => {
        run.task = t;
      });
      this.o.roster.setStatus(run.task.employee, 'working', run.task.description);
    }
    const interval = this.o.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const agent = run.task.employee;
    if (Date.now() - (this.lastProgressPostAt.get(agent) ?? 0) >= interval && !this.shuttingDown) {
      this.lastProgressPostAt.set(agent, Date.now());
      void this.o.voice.say(run.task.employee, `🔄 ${clip(run.task.description, 60)}: ${clip(text, 160)}`, {
        unsolicited: true,
      });
    }
  }

  /** Log lines are written in batches, one insert per event-loop turn, not one per line. */
  private scheduleFlush(run: Run): void {
    if (run.flushScheduled) return;
    run.flushScheduled = true;
    setImmediate(() => void this.flush(run));
  }

  private async flush(run: Run): Promise<void> {
    run.flushScheduled = false;
    const lines = run.pendingLog;
    run.pendingLog = [];
    try {
      await this.o.repo.appendTaskLog(run.task.id, lines);
      if (lines.length) run.task = await this.o.repo.updateTask(run.task.id, { progress: run.progress });
    } catch (error) {
      this.o.logger.error({ err: error, task: run.task.id }, 'writing the task log failed');
    }
  }

  private armStuckTimer(run: Run): void {
    const due = run.lastOutputAt + this.o.stuckAfterMs - Date.now();
    run.stuckTimer = setTimeout(
      () => {
        run.stuckTimer = null;
        if (!this.runs.has(run.task.employee) || this.runs.get(run.task.employee) !== run) return;
        // Output since the timer was set moves the deadline instead of re-arming a timer per line.
        if (run.stuck || Date.now() - run.lastOutputAt < this.o.stuckAfterMs) this.armStuckTimer(run);
        else void this.becomeStuck(run);
      },
      Math.max(due, 10),
    );
    run.stuckTimer.unref();
  }

  private async becomeStuck(run: Run): Promise<void> {
    run.stuck = true;
    run.task = await this.o.repo.updateTask(run.task.id, { status: 'stuck' });
    this.o.roster.setStatus(run.task.employee, 'stuck', run.task.description);
    this.o.logger.info({ agent: run.task.employee, task: run.task.id }, 'worker is stuck; asking for help');
    const soFar = run.progress ?? 'no output yet';
    // The help request is an ordinary message; the help desk sees it on the bus like everyone else.
    await this.o.voice.say(
      run.task.employee,
      `@team I need help with ${clip(run.task.description, 300)}. So far: ${clip(soFar, 300)}. Any ideas?`,
    );
    this.armStuckTimer(run);
  }

  /** Help from the team: appended to sessions/<name>/help.md and written to the worker's stdin. */
  deliverHelp(employee: string, from: string, text: string): boolean {
    const run = this.runs.get(employee);
    if (!run) return false;
    appendFileSync(run.helpFile, `## From @${from} at ${new Date().toISOString()}\n\n${text}\n\n`);
    run.worker.write(`Help from @${from}: ${text.replace(/\s*\n\s*/g, ' ')}`);
    run.pendingLog.push({ stream: 'help', line: `@${from}: ${text}` });
    this.scheduleFlush(run);
    return true;
  }

  private async onExit(run: Run, exit: WorkerExit): Promise<Task> {
    const employee = run.task.employee;
    if (run.stuckTimer) clearTimeout(run.stuckTimer);
    this.runs.delete(employee);
    await this.flush(run);
    // On shutdown the task stays "running": the next start marks it interrupted and says so in chat.
    if (this.shuttingDown && !run.stopReason) return run.task;
    const finishedAt = new Date().toISOString();
    const task = run.task.description;
    const lastOf = (stream?: OutputStream) =>
      [...run.tail].reverse().find((l) => !stream || l.stream === stream)?.line ?? null;
    let text: string;
    if (run.stopReason) {
      run.task = await this.o.repo.updateTask(run.task.id, {
        status: 'cancelled',
        reason: run.stopReason,
        exitCode: exit.code,
        finishedAt,
      });
      text = `⏹ Stopped: ${task}`;
    } else if (exit.code === 0) {
      run.task = await this.o.repo.updateTask(run.task.id, { status: 'done', exitCode: 0, finishedAt });
      const last = run.tail
        .filter((l) => l.stream === 'stdout')
        .slice(-3)
        .map((l) => `> ${l.line}`);
      text = [`✅ Done: ${task}`, ...last].join('\n');
    } else {
      const how = exit.error
        ? `could not start: ${exit.error.message}`
        : exit.code !== null
          ? `exit ${exit.code}`
          : `killed by ${exit.signal}`;
      const lastError = lastOf('stderr') ?? lastOf();
      run.task = await this.o.repo.updateTask(run.task.id, {
        status: 'failed',
        exitCode: exit.code,
        reason: lastError ? `${how}: ${lastError}` : how,
        finishedAt,
      });
      text = [`❌ Failed: ${task} (${how})`, ...(lastError ? [lastError] : [])].join('\n');
    }
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
      if (!this.o.roster.get(task.employee)) continue;
      await this.o.voice.say(
        task.employee,
        `⚠️ Interrupted: ${task.description} — the server restarted while I was working on it. Assign it again if it is still needed.`,
        { replyTo: task.messageId },
      );
    }
    for (const employee of this.o.roster.all()) void this.startNext(employee.name);
  }

  /** Stops every worker without recording a result: their tasks are marked interrupted on the next start. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const runs = [...this.runs.values()];
    await Promise.all(runs.map((run) => run.worker.stop().then(() => run.finished)));
    await this.locks.idle();
  }
}
