// Tasks and workers: one running task per agent, a queue behind it, results posted to chat, and restart
// recovery. Each task works in its own git worktree and branch (committed when it ends); without git, tasks take
// turns in PROJECT_ROOT across all employees. Starting a worker, the running task's state, its output, stuck
// detection, the end of a task and recovery live in their own modules.
import type { Agent, AgentsRepository, Task } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import { KeyedLock } from '../serial';
import { RunOutput } from './run-output';
import { RunnerKit, type RunnerOptions } from './runner-kit';
import { RunningTask } from './running-task';
import { StuckWatch } from './stuck-watch';
import { recordExit } from './task-exit';
import { launchTask } from './task-launch';
import { recoverTasks } from './task-recovery';
import type { TaskExit } from './task-worker';

export type { RunnerOptions } from './runner-kit';

/** The lock key for "one task at a time across all agents" (shared mode); never an agent's name. */
const SHARED_TURN = '\u0000shared';

export interface RunView {
  task: Task;
  stuck: boolean;
  progress: string | null;
  pid: number | undefined;
}

export class TaskRunner {
  private readonly runs = new Map<string, RunningTask>();
  private readonly locks = new KeyedLock();
  /** Workers being started (outside the lock), per agent: at most one, and shutdown waits for them. */
  private readonly starting = new Map<string, Promise<boolean>>();
  private readonly kit: RunnerKit;
  private readonly output: RunOutput;
  private readonly stuckWatch: StuckWatch;
  private shuttingDown = false;

  constructor(private readonly o: RunnerOptions) {
    this.kit = new RunnerKit(o);
    this.output = new RunOutput({
      ...o,
      shuttingDown: () => this.shuttingDown,
      resumed: (run) => this.stuckWatch.resume(run),
    });
    this.stuckWatch = new StuckWatch(o);
  }

  private get repo(): AgentsRepository {
    return this.o.repo;
  }

  /** Serialises queue changes per agent, so "one running task" holds and the queue keeps its order. */
  withLock<T>(agent: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(agent, fn);
  }

  active(agent: string): RunView | null {
    const run = this.runs.get(agent);
    if (!run) return null;
    return { task: run.task, stuck: run.stuck, progress: run.progress, pid: run.worker.pid };
  }

  /** Creates a queued task; `ahead` counts the tasks before it. Call startNext() once the acknowledgement is out. */
  async enqueue(input: {
    employee: Agent;
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
      await this.repo.listTasks({ agent: employee.name, statuses: ['running', 'stuck', 'queued'] })
    ).length;
    const task = await this.repo.createTask({
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
    this.kit.threads.remember(input.messageId, task.id);
    this.kit.note(task, { kind: 'status', status: 'queued', reason: null });
    return { task, ahead };
  }

  /**
   * Starts the agent's oldest queued task unless one is running or starting. The task is claimed under the
   * agent's lock, but its worker starts outside it: starting opencode can take seconds, and the next mention's
   * acknowledgement (which takes the same lock) must not wait for that. Resolves once the worker has started.
   */
  async startNext(agent: string): Promise<void> {
    for (;;) {
      const claimed = await this.withLock(agent, async () => {
        if (this.shuttingDown || this.runs.has(agent) || this.starting.has(agent)) return null;
        const profile = this.o.roster.get(agent);
        if (!profile) return null;
        // Without git every task works in PROJECT_ROOT itself: one at a time across all employees.
        const shared = (await this.kit.workspaces())?.mode === 'shared';
        const claim = async () => {
          if (shared && this.othersBusy(agent)) return null;
          // Claimed (queued -> running in one statement) before the worker starts, so a task runs once even if
          // two instances believe they run the agents for a moment.
          const task = await this.repo.claimNextTask(agent, new Date().toISOString());
          if (!task) {
            this.o.roster.setStatus(agent, 'idle', null);
            return null;
          }
          const launched = this.launch(profile, task);
          this.starting.set(agent, launched);
          return { launched };
        };
        return shared ? this.locks.run(SHARED_TURN, claim) : claim();
      });
      if (!claimed) return;
      let started = false;
      try {
        started = await claimed.launched;
      } finally {
        this.starting.delete(agent);
      }
      if (started) return;
      // It failed to start; try the next queued task.
    }
  }

  private othersBusy(agent: string): boolean {
    for (const name of [...this.runs.keys(), ...this.starting.keys()]) if (name !== agent) return true;
    return false;
  }

  /**
   * Shared mode (no git) with another agent's task running: what the acknowledgement adds ("waiting for bob's
   * task: …"); null otherwise.
   */
  async turnNote(agent: string): Promise<string | null> {
    if ((await this.kit.workspaces())?.mode !== 'shared') return null;
    const other = [...this.runs.values()].find((run) => run.task.employee !== agent);
    const name = other?.task.employee ?? [...this.starting.keys()].find((n) => n !== agent);
    return name ? `waiting for ${name}'s task: this project has no git, so agents take turns` : null;
  }

  /** Starts the task's worker and follows it as a RunningTask; false when it could not start (the task failed). */
  private async launch(agent: Agent, task: Task, attachOnly = false): Promise<boolean> {
    let run: RunningTask | undefined;
    // Events that arrive before the run is recorded (a session is live as soon as it is prompted).
    const early: (() => void)[] = [];
    const later = (fn: (run: RunningTask) => void) =>
      run ? fn(run) : early.push(() => fn(run as RunningTask));
    const launched = await launchTask(
      this.kit,
      agent,
      task,
      {
        note: (event) => later((r) => this.kit.note(r.task, event)),
        activity: (line, stream, alive) => later((r) => this.output.activity(r, line, stream, alive)),
        line: (stream, line) => {
          if (run) this.output.line(run, stream, line);
        },
      },
      attachOnly,
    );
    if (!launched) return false;
    const current = new RunningTask(this.repo, launched.task, launched);
    run = current;
    this.runs.set(agent.name, current);
    this.o.roster.setStatus(agent.name, 'working', current.task.description);
    this.o.logger.info(
      { agent: agent.name, task: current.task.id, pid: current.worker.pid },
      'worker started',
    );
    this.kit.note(current.task, { kind: 'status', status: 'running', reason: null });
    for (const fn of early.splice(0)) fn();
    this.stuckWatch.arm(current);
    void current.worker.exited
      .then((exit) => this.onExit(current, exit))
      .catch((error) => {
        this.o.logger.error({ err: error, task: current.task.id }, 'recording a worker exit failed');
        // Its exit never came through: it is no longer followed, and whoever waits for it is not left waiting.
        if (current.live) this.forget(current);
      })
      .finally(() => current.settled());
    return true;
  }

  /** Help from the team: a follow-up prompt (opencode), or the help file and stdin (command mode). */
  deliverHelp(agent: string, from: string, text: string): boolean {
    const run = this.runs.get(agent);
    if (!run) return false;
    if (!run.worker.help(from, text)) return false;
    this.output.log(run, 'help', `@${from}: ${text}`);
    this.kit.note(run.task, { kind: 'help', from, text });
    return true;
  }

  /** The run has exited: no longer this agent's running task. */
  private forget(run: RunningTask): void {
    run.exited();
    if (this.runs.get(run.task.employee) === run) this.runs.delete(run.task.employee);
  }

  private async onExit(run: RunningTask, exit: TaskExit): Promise<void> {
    const agent = run.task.employee;
    this.forget(run);
    await this.output.flush(run);
    // On shutdown the task stays "running": the next start marks it interrupted and says so in chat.
    if (this.shuttingDown && !run.stopReason) return;
    const text = await recordExit(this.kit, run, exit);
    if (this.o.roster.get(agent)) {
      // The final line: in the task's thread, and in the main conversation too.
      const posted = await this.o.voice.sayAbout(run.task, text, { alsoToChannel: true });
      this.kit.threads.remember(posted?.id ?? null, run.task.id);
    }
    if (!this.shuttingDown) void this.startNextTurn(agent);
  }

  /** Next: this agent's queued task, and without git the other agents' waiting for their turn. */
  private async startNextTurn(agent: string): Promise<void> {
    await this.startNext(agent);
    if ((await this.kit.workspaces())?.mode !== 'shared') return;
    for (const other of this.o.roster.all()) if (other.name !== agent) await this.startNext(other.name);
  }

  /** Stops the running task of `employee` (SIGTERM to its group, SIGKILL after the grace period). */
  async stop(agent: string, reason: string): Promise<Task> {
    const run = this.runs.get(agent);
    if (!run) throw new DomainError('NOT_FOUND', `${agent} has no running task to stop`);
    // A second stop while it stops keeps the first reason and waits for the same end.
    run.requestStop(reason);
    await run.worker.stop();
    return run.finished;
  }

  /** On start-up: tasks that were running when the server went down are interrupted; queued ones start again. */
  async recover(): Promise<void> {
    // An instance that lost the agents role and wins it back runs workers again.
    this.shuttingDown = false;
    await recoverTasks(this.kit, {
      runs: (employee) => this.runs.has(employee),
      withLock: (employee, fn) => this.withLock(employee, fn),
      reattach: (employee, task) => this.launch(employee, task, true),
    });
    for (const agent of this.o.roster.all()) void this.startNext(agent.name);
  }

  /** The task a chat message belongs to (its mention, result or interruption post), if it is one of those. */
  threadTask(messageId: number | null): Promise<Task | null> {
    return this.kit.threads.task(messageId);
  }

  /** A chat message that belongs to a task (a merge's conflict report…): replies to it continue the task. */
  rememberThread(messageId: number | null, taskId: number): void {
    this.kit.threads.remember(messageId, taskId);
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
