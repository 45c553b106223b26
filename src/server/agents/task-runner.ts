// Tasks and workers: one running task per employee, a queue behind it, results posted to chat, and restart
// recovery. Each task works in its own git worktree and branch (committed when it ends); without git, tasks take
// turns in PROJECT_ROOT across all employees. Starting a worker, its output, stuck detection, the result message
// and the git layer live in their own modules.
import type { Logger } from 'pino';
import type { BranchEvent } from '../../shared/task-branch';
import type { TaskEvent } from '../../shared/task-timeline';
import type { AgentsRepository, Employee, LogStream, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';
import { KeyedLock } from '../serial';
import { resolvePrompt, withBranch } from './branch-report';
import { recordBranchState } from './branch-state';
import { type OpencodeDriver, SessionStartError } from './opencode/driver';
import { recordSession } from './opencode/session-result';
import type { Roster } from './roster';
import type { Run } from './run';
import { RunOutput } from './run-output';
import { StuckWatch } from './stuck-watch';
import { recordResult, resultEvent } from './task-result';
import type { TaskExit, TaskWorker } from './task-worker';
import type { TimelineSink } from './timeline-sink';
import { clip, type Voice } from './voice';
import type { OutputStream } from './worker';
import { startFailure, startWorker } from './worker-launch';
import { taskIdOfBranch } from './workspace/naming';
import {
  MergeConflictError,
  type TaskWorkspace,
  WorkspaceError,
  type Workspaces,
} from './workspace/workspaces';

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

/** The lock key for "one task at a time across all employees" (shared mode); never an employee's name. */
const SHARED_TURN = '\u0000shared';

export interface RunView {
  task: Task;
  stuck: boolean;
  progress: string | null;
  pid: number | undefined;
}

export class TaskRunner {
  private readonly runs = new Map<string, Run>();
  private readonly locks = new KeyedLock();
  /** Workers being started (outside the lock), per employee: at most one, and shutdown waits for them. */
  private readonly starting = new Map<string, Promise<boolean>>();
  private readonly output: RunOutput;
  private readonly stuckWatch: StuckWatch;
  private shuttingDown = false;
  /** Chat messages that belong to a task (its mention, result, interruption): replies to them continue it. */
  private readonly threads = new Map<number, number>();

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
    /** Continue this opencode session (a follow-up or "continue"). */
    sessionId?: string | null;
    /** A continuation goes on on this task's branch. */
    continues?: Task | null;
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
      model: input.model ?? employee.model ?? this.o.defaultModel,
      mode: input.mode ?? 'build',
      sessionId: input.sessionId ?? null,
      ...(input.continues?.branch
        ? {
            branch: input.continues.branch,
            baseBranch: input.continues.baseBranch,
            branchState: input.continues.branchState,
            commitSha: input.continues.commitSha,
          }
        : {}),
    });
    this.remember(input.messageId, task.id);
    this.note(task, { kind: 'status', status: 'queued', reason: null });
    return { task, ahead };
  }

  /**
   * Starts the employee's oldest queued task unless one is running or starting. The task is claimed under the
   * employee's lock, but its worker starts outside it: starting opencode can take seconds, and the next mention's
   * acknowledgement (which takes the same lock) must not wait for that. Resolves once the worker has started.
   */
  async startNext(employee: string): Promise<void> {
    for (;;) {
      const claimed = await this.withLock(employee, async () => {
        if (this.shuttingDown || this.runs.has(employee) || this.starting.has(employee)) return null;
        const profile = this.o.roster.get(employee);
        if (!profile) return null;
        // Without git every task works in PROJECT_ROOT itself: one at a time across all employees.
        const shared = (await this.workspaces())?.mode === 'shared';
        const claim = async () => {
          if (shared && this.othersBusy(employee)) return null;
          // Claimed (queued -> running in one statement) before the worker starts, so a task runs once even if
          // two instances believe they run the agents for a moment.
          const task = await this.o.repo.claimNextTask(employee, new Date().toISOString());
          if (!task) {
            this.o.roster.setStatus(employee, 'idle', null);
            return null;
          }
          const launched = this.launch(profile, task);
          this.starting.set(employee, launched);
          return { launched };
        };
        return shared ? this.locks.run(SHARED_TURN, claim) : claim();
      });
      if (!claimed) return;
      let started = false;
      try {
        started = await claimed.launched;
      } finally {
        this.starting.delete(employee);
      }
      if (started) return;
      // It failed to start; try the next queued task.
    }
  }

  /** The workspaces, or null when none were configured (then every task runs in PROJECT_ROOT, unqueued). */
  private async workspaces(): Promise<Workspaces | null> {
    return this.o.workspaces ? this.o.workspaces() : null;
  }

  private othersBusy(employee: string): boolean {
    for (const name of [...this.runs.keys(), ...this.starting.keys()]) if (name !== employee) return true;
    return false;
  }

  /**
   * Shared mode (no git) with another employee's task running: what the acknowledgement adds ("waiting for bob's
   * task: …"); null otherwise.
   */
  async turnNote(employee: string): Promise<string | null> {
    if ((await this.workspaces())?.mode !== 'shared') return null;
    const other = [...this.runs.values()].find((run) => run.task.employee !== employee);
    const name = other?.task.employee ?? [...this.starting.keys()].find((n) => n !== employee);
    return name ? `waiting for ${name}'s task: this project has no git, so agents take turns` : null;
  }

  /**
   * The task's worktree and branch (stored on the task before anything else), and for a continuation of a
   * branch in conflict the files git left conflict markers in (the agent is asked to resolve them).
   */
  private async prepareWorkspace(
    task: Task,
  ): Promise<{ task: Task; workspace: TaskWorkspace | null; conflicts: string[] }> {
    const workspaces = await this.workspaces();
    if (!workspaces) return { task, workspace: null, conflicts: [] };
    // A continuation works where its branch's first task did: opencode keeps a session's working directory.
    const home = task.branch ? { ...task, id: taskIdOfBranch(task.branch) ?? task.id } : task;
    const workspace = await workspaces.prepare(home);
    // A new branch (or one made again after its predecessor was merged, discarded or empty) has nothing yet.
    const fresh =
      workspace.branch !== task.branch ||
      (task.branchState !== null && task.branchState !== 'open' && task.branchState !== 'conflict');
    if (workspace.branch && (fresh || workspace.base !== task.baseBranch))
      task = await this.o.repo.updateTask(task.id, {
        branch: workspace.branch,
        baseBranch: workspace.base,
        ...(fresh ? { branchState: null, commitSha: null } : {}),
      });
    const conflicts =
      workspace.branch && task.branchState === 'conflict'
        ? await workspaces.startResolve({ ...task, id: home.id })
        : [];
    return { task, workspace, conflicts };
  }

  /** Returns false when the worker could not start (the task is failed and the chat told why). */
  private async launch(employee: Employee, task: Task, attachOnly = false): Promise<boolean> {
    let started: { worker: TaskWorker; helpFile: string | null };
    let run: Run | undefined;
    // Events that arrive before the run is recorded (a session is live as soon as it is prompted).
    const early: (() => void)[] = [];
    const later = (fn: (run: Run) => void) => (run ? fn(run) : early.push(() => fn(run as Run)));
    let workspace: TaskWorkspace | null = null;
    try {
      const prepared = await this.prepareWorkspace(task);
      task = prepared.task;
      workspace = prepared.workspace;
      const prompt =
        prepared.conflicts.length > 0 && workspace?.base
          ? resolvePrompt(task, workspace.base, prepared.conflicts, task.assignedBy)
          : undefined;
      started = this.o.driver
        ? {
            worker: await this.o.driver.start(
              employee,
              task,
              {
                note: (event) => later((r) => this.note(r.task, event)),
                activity: (line, stream, alive) => later((r) => this.onActivity(r, line, stream, alive)),
              },
              { attachOnly, directory: workspace?.dir, prompt },
            ),
            helpFile: null,
          }
        : startWorker(
            employee,
            task,
            { ...this.o, projectRoot: workspace?.dir ?? this.o.projectRoot },
            (stream, line) => {
              if (run) this.onLine(run, stream, line);
            },
          );
    } catch (error) {
      const { reason, chat } = this.startError(error);
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
      await this.o.voice.say(employee.name, `I can't start work: ${chat}`, { replyTo: task.messageId });
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
      workspace,
      finished: new Promise((resolveFinished) => {
        finish = resolveFinished;
      }),
    };
    const current = run;
    this.runs.set(employee.name, current);
    this.o.roster.setStatus(employee.name, 'working', task.description);
    this.o.logger.info({ agent: employee.name, task: task.id, pid: worker.pid }, 'worker started');
    this.note(task, { kind: 'status', status: 'running', reason: null });
    for (const fn of early.splice(0)) fn();
    this.stuckWatch.arm(current);
    void worker.exited
      .then((exit) => this.onExit(current, exit))
      .then(finish, (error) => {
        this.o.logger.error({ err: error, task: task.id }, 'recording a worker exit failed');
        finish(current.task);
      });
    return true;
  }

  /** Why a task could not start: `reason` for the task and log (operators), `chat` for people. */
  private startError(error: unknown): { reason: string; chat: string } {
    if (error instanceof SessionStartError) return { reason: error.detail, chat: error.chat };
    if (error instanceof WorkspaceError) return { reason: error.message, chat: error.chat };
    const reason = startFailure(error);
    return { reason, chat: startFailure(error, true) };
  }

  /** Something happened in an opencode session: it is alive; a line goes to the log and maybe the chat. */
  private onActivity(run: Run, line: string | null, stream: LogStream = 'stdout', alive = true): void {
    if (alive) {
      run.lastOutputAt = Date.now();
      this.stuckWatch.resume(run);
    }
    if (line === null) return;
    this.output.log(run, stream, line);
    if (!alive) return;
    const text = line.trim();
    if (!text || stream === 'help') return;
    run.progress = clip(text, 200);
    run.tail.push({ stream: stream === 'stderr' ? 'stderr' : 'stdout', line: clip(text, 300) });
    if (run.tail.length > 20) run.tail.shift();
    this.output.postProgress(run, text);
  }

  private onLine(run: Run, stream: OutputStream, line: string): void {
    const text = this.output.record(run, stream, line);
    if (text === null) return;
    this.stuckWatch.resume(run);
    this.output.postProgress(run, text);
  }

  /** Help from the team: a follow-up prompt (opencode), or the help file and stdin (command mode). */
  deliverHelp(employee: string, from: string, text: string): boolean {
    const run = this.runs.get(employee);
    if (!run) return false;
    if (!run.worker.help(from, text)) return false;
    this.output.log(run, 'help', `@${from}: ${text}`);
    this.note(run.task, { kind: 'help', from, text });
    return true;
  }

  private async onExit(run: Run, exit: TaskExit): Promise<Task> {
    const employee = run.task.employee;
    this.stuckWatch.disarm(run);
    this.runs.delete(employee);
    await this.output.flush(run);
    // On shutdown the task stays "running": the next start marks it interrupted and says so in chat.
    if (this.shuttingDown && !run.stopReason) return run.task;
    let text: string;
    let result: Extract<TaskEvent, { kind: 'result' }>;
    if (exit.outcome) {
      const recorded = await recordSession(this.o.repo, run, exit.outcome);
      text = recorded.text;
      result = recorded.event;
    } else {
      text = await recordResult(this.o.repo, run, exit);
      result = resultEvent(run);
    }
    // The branch entry comes before the result: the result stays the timeline's last word.
    const branch = await this.commitBranch(run, exit.outcome?.status === 'interrupted');
    if (branch) text = withBranch(text, branch, employee);
    this.note(run.task, { kind: 'status', status: run.task.status, reason: run.task.reason });
    this.note(run.task, result);
    this.o.logger.info({ agent: employee, task: run.task.id, status: run.task.status }, 'worker finished');
    if (this.o.roster.get(employee)) {
      const posted = await this.o.voice.say(employee, text, { replyTo: run.task.messageId });
      this.remember(posted?.id ?? null, run.task.id);
    }
    if (!this.shuttingDown) void this.startNextTurn(employee);
    return run.task;
  }

  /** Next: this employee's queued task, and without git the other employees' waiting for their turn. */
  private async startNextTurn(employee: string): Promise<void> {
    await this.startNext(employee);
    if ((await this.workspaces())?.mode !== 'shared') return;
    for (const other of this.o.roster.all()) if (other.name !== employee) await this.startNext(other.name);
  }

  /**
   * The task's work committed on its branch (also when stopped, failed or interrupted: nothing is lost) and the
   * `branch` entry noted; null without a branch or when git failed (logged, the task's log says why).
   */
  private async commitBranch(run: Run, interrupted: boolean): Promise<BranchEvent | null> {
    const workspaces = await this.workspaces();
    const branch = run.workspace?.branch;
    if (!workspaces || !branch) return null;
    let event: BranchEvent;
    try {
      event = await workspaces.commit(run.task, { interrupted });
    } catch (error) {
      if (!(error instanceof MergeConflictError)) {
        const reason = error instanceof WorkspaceError ? error.message : String(error);
        this.o.logger.error({ err: error, task: run.task.id, branch }, 'committing the task failed');
        await this.o.repo.appendTaskLog(run.task.id, [{ stream: 'system', line: `git: ${reason}` }]);
        return null;
      }
      event = {
        kind: 'branch',
        state: 'conflict',
        branch,
        base: run.workspace?.base ?? run.task.baseBranch ?? '',
        commit: run.task.commitSha,
        files: [],
        by: null,
        mergeCommit: null,
        conflicts: error.files,
      };
    }
    run.task = await recordBranchState(this.o.repo, run.task, event);
    this.note(run.task, event);
    return event;
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
    const reattached = await this.reattach();
    const saved = await this.cleanUpWorkspaces(reattached);
    const interrupted: Task[] = [];
    const left = await this.o.repo.listTasks({ statuses: ['running', 'stuck'] });
    for (const name of new Set(left.map((t) => t.employee)))
      if (!this.runs.has(name))
        interrupted.push(
          ...(await this.o.repo.moveTasks(
            ['running', 'stuck'],
            'interrupted',
            'the server restarted while it was running',
            {
              employee: name,
            },
          )),
        );
    for (let task of interrupted) {
      this.note(task, { kind: 'status', status: 'interrupted', reason: task.reason });
      this.note(task, { ...resultEvent({ task, tail: [] }), status: 'interrupted' });
      const branch = task.branch ? await this.noteSavedBranch(task, saved.get(task.id) ?? null) : null;
      if (branch) task = branch.task;
      if (!this.o.roster.get(task.employee)) continue;
      const next = task.sessionId
        ? `Reply to this message with "@${task.employee} continue" to pick it up where it stopped.`
        : 'Assign it again if it is still needed.';
      const kept = branch?.event.state === 'open' ? ` My work so far is saved on ${task.branch}.` : '';
      const posted = await this.o.voice.say(
        task.employee,
        `⚠️ Interrupted: ${task.description} — the server restarted while I was working on it.${kept} ${next}`,
        { replyTo: task.messageId },
      );
      this.remember(task.messageId, task.id);
      this.remember(posted?.id ?? null, task.id);
    }
    for (const employee of this.o.roster.all()) void this.startNext(employee.name);
  }

  /**
   * Tasks whose opencode session is still busy (a server we attached to kept working while we restarted) are
   * followed again instead of being marked interrupted. Returns how many were.
   */
  private async reattach(): Promise<number> {
    const driver = this.o.driver;
    if (!driver?.server.info().attached) return 0;
    const workspaces = await this.workspaces();
    let count = 0;
    for (const task of await this.o.repo.listTasks({ statuses: ['running', 'stuck'] })) {
      const employee = this.o.roster.get(task.employee);
      if (!employee || !task.sessionId || this.runs.has(task.employee)) continue;
      let directory: string | undefined;
      try {
        directory =
          task.branch && workspaces
            ? (await workspaces.prepare({ ...task, id: taskIdOfBranch(task.branch) ?? task.id })).dir
            : undefined;
      } catch (error) {
        // Its worktree cannot be had back: the task is marked interrupted with the others.
        this.o.logger.warn({ err: error, task: task.id }, 'a busy session’s worktree is gone');
        continue;
      }
      if (!(await driver.busy(task.sessionId, directory))) continue;
      this.o.logger.info({ task: task.id, session: task.sessionId }, 'task re-attached to its busy session');
      await this.withLock(task.employee, () => this.launch(employee, task, true));
      count++;
    }
    return count;
  }

  /**
   * At start-up, before interrupted tasks are announced: stray worktrees are removed, and the work of tasks that
   * were running is committed on their branches ("WIP (interrupted)"); returns those commits by task. Skipped
   * while a re-attached session still works in its worktree.
   */
  private async cleanUpWorkspaces(reattached: number): Promise<Map<number, string>> {
    const saved = new Map<number, string>();
    const workspaces = await this.workspaces().catch((error) => {
      this.o.logger.error({ err: error }, 'opening the task workspaces failed');
      return null;
    });
    if (workspaces?.mode !== 'git') return saved;
    if (reattached > 0) {
      this.o.logger.info('task worktrees kept: a re-attached session still works in one');
      return saved;
    }
    const keep = new Set<number>();
    for (const task of await this.o.repo.listTasks({ order: 'desc', limit: 5000 }))
      if (
        ['running', 'stuck', 'queued'].includes(task.status) ||
        task.branchState === 'open' ||
        task.branchState === 'conflict'
      )
        keep.add(task.id);
    try {
      const result = await workspaces.cleanup((taskId) => keep.has(taskId));
      for (const s of result.saved) saved.set(s.taskId, s.commit);
    } catch (error) {
      this.o.logger.error({ err: error }, 'cleaning up task worktrees failed');
    }
    return saved;
  }

  /** An interrupted task's branch: its saved work (or what it committed before) noted as `open`, else `empty`. */
  private async noteSavedBranch(
    task: Task,
    commit: string | null,
  ): Promise<{ task: Task; event: BranchEvent } | null> {
    const workspaces = await this.workspaces();
    if (!workspaces || !task.branch) return null;
    try {
      const files = (await workspaces.diff(task)).map((f) => ({
        path: f.path,
        additions: f.additions,
        deletions: f.deletions,
      }));
      const event: BranchEvent = {
        kind: 'branch',
        state: files.length > 0 ? 'open' : 'empty',
        branch: task.branch,
        base: task.baseBranch ?? '',
        commit: commit ?? task.commitSha,
        files,
        by: null,
        mergeCommit: null,
        conflicts: [],
      };
      if (event.state === 'empty' && !task.branchState) return null;
      const updated = await recordBranchState(this.o.repo, task, event);
      this.note(updated, event);
      return { task: updated, event };
    } catch (error) {
      // The branch is gone (it had nothing of its own): nothing to review.
      this.o.logger.info(
        { task: task.id, detail: (error as Error).message },
        'interrupted task has no branch',
      );
      return null;
    }
  }

  /** The task a chat message belongs to (its mention, result or interruption post), if it is one of those. */
  async threadTask(messageId: number | null): Promise<Task | null> {
    if (messageId === null) return null;
    const id = this.threads.get(messageId);
    if (id !== undefined) return this.o.repo.getTask(id);
    const recent = await this.o.repo.listTasks({ order: 'desc', limit: 500 });
    return recent.find((t) => t.messageId === messageId) ?? null;
  }

  /** A chat message that belongs to a task (a merge's conflict report…): replies to it continue the task. */
  rememberThread(messageId: number | null, taskId: number): void {
    this.remember(messageId, taskId);
  }

  private remember(messageId: number | null, taskId: number): void {
    if (messageId === null) return;
    this.threads.set(messageId, taskId);
    if (this.threads.size > 2000) this.threads.delete(this.threads.keys().next().value as number);
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
    // A worker still starting is stopped with the others once it has started.
    await Promise.allSettled([...this.starting.values()]);
    const runs = [...this.runs.values()];
    // Work on an attached opencode server goes on without us: we only stop following it (re-attached on start).
    const attached = this.o.driver?.server.info().attached ?? false;
    await Promise.all(
      runs.map((run) => {
        if (attached && run.worker.detach) run.worker.detach();
        else void run.worker.stop();
        return run.finished;
      }),
    );
    await this.locks.idle();
  }
}
