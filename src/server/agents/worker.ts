// One command-mode worker child process: its own process group, output split into lines, help appended to its
// help file (and written to stdin when the command reads it), and a stop that sends SIGTERM to the whole group
// and SIGKILL after a grace period.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { findExecutable } from './command-template';
import type { TaskExit, TaskWorker } from './task-worker';

export const KILL_GRACE_MS = 5_000;
const MAX_LINE = 4000;

export type OutputStream = 'stdout' | 'stderr';

export type WorkerExit = TaskExit;

export interface WorkerOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  onLine: (stream: OutputStream, line: string) => void;
  killGraceMs?: number;
  /**
   * Keep stdin open and write help to it. Off by default: tools such as `opencode run` read stdin until EOF
   * before they start, so an open stdin would keep them waiting forever.
   */
  stdinHelp?: boolean;
  /** Where help from the team is appended (the worker finds it in AGENT_HELP_FILE). */
  helpFile?: string;
}

/** The executable is missing or not runnable: the chat says so plainly. */
export class WorkerNotInstalledError extends Error {
  constructor(readonly command: string) {
    super(`\`${command}\` is not installed`);
    this.name = 'WorkerNotInstalledError';
  }
}

export class Worker implements TaskWorker {
  readonly exited: Promise<WorkerExit>;
  private stopRequested = false;
  private killTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly graceMs: number,
    private readonly helpFile: string | undefined,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once('exit', () => {
        // The leader is gone; anything it left running in its group goes too, so a task leaves nothing behind.
        this.signalGroup('SIGTERM');
        this.scheduleKill();
      });
      child.once('error', (error) => {
        // Only a failed spawn ends here without 'close'; later errors (kill on a dead pid) are harmless.
        if (child.pid === undefined) resolveExit({ code: null, signal: null, stopped: false, error });
      });
      child.once('close', (code, signal) => {
        if (this.killTimer) clearTimeout(this.killTimer);
        resolveExit({ code, signal, stopped: this.stopRequested });
      });
    });
  }

  /** Starts `argv` without a shell. Throws WorkerNotInstalledError when the program cannot be found. */
  static start(argv: string[], options: WorkerOptions): Worker {
    const [command, ...args] = argv;
    if (!command || !findExecutable(command, options.cwd, options.env?.PATH ?? process.env.PATH))
      throw new WorkerNotInstalledError(command ?? '');
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdinHelp ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // Its own process group (pgid = pid), so stop() reaches every process the worker starts.
      detached: true,
      shell: false,
    });
    // Errors after a successful spawn (EPIPE on a closed stdin) must not crash the server.
    child.stdin?.on('error', () => {});
    const worker = new Worker(child, options.killGraceMs ?? KILL_GRACE_MS, options.helpFile);
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      source.setEncoding('utf8');
      let partial = '';
      source.on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine(stream, line.slice(0, MAX_LINE));
      });
      source.on('end', () => {
        if (partial) options.onLine(stream, partial.slice(0, MAX_LINE));
        partial = '';
      });
    }
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Help from a teammate: appended to the help file, and written to stdin when the command reads it. */
  help(from: string, text: string): boolean {
    if (!this.running) return false;
    if (this.helpFile)
      appendFileSync(this.helpFile, `## From @${from} at ${new Date().toISOString()}\n\n${text}\n\n`);
    this.write(`Help from @${from}: ${text.replace(/\s*\n\s*/g, ' ')}`);
    return true;
  }

  /** Sends text to the worker's stdin (a newline is added); false if the worker can no longer read. */
  write(text: string): boolean {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(text.endsWith('\n') ? text : `${text}\n`);
    return true;
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once the worker has exited. */
  stop(): Promise<WorkerExit> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.signalGroup('SIGTERM');
      this.scheduleKill();
    }
    return this.exited;
  }

  private scheduleKill(): void {
    if (this.killTimer) return;
    this.killTimer = setTimeout(() => this.signalGroup('SIGKILL'), this.graceMs);
    this.killTimer.unref();
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}
