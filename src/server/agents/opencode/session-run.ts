// One task driven through an opencode session: prompt it, turn its events into timeline entries and progress
// lines, hand its questions and permission asks to the ask desk, pass help on as follow-up prompts, abort on
// Stop, fail plainly when the model does not answer in time, and sum up the result when it goes idle.
import { relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ChangedFile, TaskEvent, TokenCounts } from '../../../shared/task-timeline';
import type { LogStream, Task } from '../../db/agents-repository';
import type { SessionOutcome, TaskExit, TaskWorker } from '../task-worker';
import { clip } from '../voice';
import type { AskDesk } from './ask-desk';
import { type FailureContext, noAnswer, plainFailure } from './failure';
import type { OpencodeEvent, OpencodeServer } from './opencode-server';

export interface SessionRunDeps {
  server: OpencodeServer;
  asks: AskDesk;
  logger: Logger;
  projectRoot: string;
  /** Without model output (and no ask pending) for this long, the session is aborted and the task fails. */
  modelTimeoutMs: number;
  note: (event: TaskEvent) => void;
  /**
   * Something happened (line: a progress line for the log and chat; null: just alive). `alive` false: logged
   * only, the agent is not making progress (a retry: it may become stuck and ask the team).
   */
  activity: (line: string | null, stream?: LogStream, alive?: boolean) => void;
  saveSession: (sessionID: string) => Promise<void>;
}

export interface SessionStart {
  task: Task;
  prompt: string;
  /** `provider/model`; empty: opencode's configured default. */
  model: string;
  /** Continue this session (a follow-up or "continue") instead of creating one. */
  sessionID: string | null;
  /** Re-attach to a session that is still busy (after a restart): no new prompt. */
  attachOnly?: boolean;
  /** Where the session works: the task's worktree; the project root when not given. */
  directory?: string;
}

const ZERO: TokenCounts = { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 };

export class SessionRun implements TaskWorker {
  readonly exited: Promise<TaskExit>;
  readonly pid = undefined;
  sessionID = '';
  private resolveExit: (exit: TaskExit) => void = () => {};
  private finished = false;
  private sawBusy = false;
  private stopRequested = false;
  private error: { name?: string; data?: Record<string, unknown> } | undefined;
  private timedOut: string | null = null;
  private lastRetry: string | null = null;
  private lastText: string | null = null;
  private readonly tools = new Map<string, string>();
  private readonly editedFiles = new Map<string, ChangedFile>();
  private tokens: TokenCounts = { ...ZERO };
  private cost = 0;
  private steps = 0;
  private deadline: NodeJS.Timeout | null = null;
  private readonly since = Date.now() - 1000;
  private cleanups: (() => void)[] = [];

  private constructor(
    private readonly d: SessionRunDeps,
    private readonly s: SessionStart,
  ) {
    this.exited = new Promise((r) => {
      this.resolveExit = r;
    });
  }

  /** Starts (or continues) the task's session; throws OpencodeUnavailableError or the prompt's error. */
  static async start(d: SessionRunDeps, s: SessionStart): Promise<SessionRun> {
    const run = new SessionRun(d, s);
    await run.begin();
    return run;
  }

  /** The directory the session works in (opencode's calls about it name it; files are listed relative to it). */
  get directory(): string {
    return resolve(this.s.directory ?? this.d.projectRoot);
  }

  private get model(): { providerID: string; modelID: string } | undefined {
    const at = this.s.model.indexOf('/');
    return at > 0
      ? { providerID: this.s.model.slice(0, at), modelID: this.s.model.slice(at + 1) }
      : undefined;
  }

  private async begin(): Promise<void> {
    const client = await this.d.server.ready();
    let sessionID = this.s.sessionID;
    if (!sessionID) {
      const created = await client.session.create({
        directory: this.directory,
        title: clip(this.s.task.description, 80),
      });
      if (!created.data) throw new Error(`opencode could not create a session: ${describe(created.error)}`);
      sessionID = created.data.id;
    }
    this.sessionID = sessionID;
    await this.d.saveSession(sessionID);
    this.cleanups.push(this.d.server.onSession(sessionID, (event) => this.onEvent(event), this.directory));
    this.cleanups.push(
      this.d.server.onDown((reason) => {
        this.d.note({ kind: 'status', status: 'interrupted', reason });
        void this.finish({ status: 'interrupted', failure: `the coding agent's server stopped (${reason})` });
      }),
    );
    this.armDeadline();
    if (this.s.attachOnly) {
      this.sawBusy = true;
      return;
    }
    const sent = await client.session.promptAsync({
      sessionID,
      directory: this.directory,
      ...(this.model ? { model: this.model } : {}),
      parts: [{ type: 'text', text: this.s.prompt }],
    });
    if (sent.error) {
      this.dispose();
      throw new Error(`opencode refused the prompt: ${describe(sent.error)}`);
    }
  }

  help(from: string, text: string): boolean {
    if (this.finished) return false;
    this.d.note({ kind: 'help', from, text });
    this.d.activity(`help from @${from}: ${text}`, 'help');
    // Queued by opencode while the session is busy, handled in the same loop.
    void this.d.server
      .ready()
      .then((client) =>
        client.session.promptAsync({
          sessionID: this.sessionID,
          directory: this.directory,
          ...(this.model ? { model: this.model } : {}),
          parts: [{ type: 'text', text: `Help from your teammate @${from}: ${text}` }],
        }),
      )
      .catch((error) => this.d.logger.warn({ err: error, task: this.s.task.id }, 'passing help on failed'));
    return true;
  }

  async stop(): Promise<TaskExit> {
    if (!this.finished) {
      this.stopRequested = true;
      await this.abort();
      // Idle follows the abort; if the server never says so, the task ends all the same.
      const fallback = setTimeout(() => void this.finish({ status: 'stopped' }), 3000);
      fallback.unref();
      void this.exited.finally(() => clearTimeout(fallback));
    }
    return this.exited;
  }

  waiting(): boolean {
    return !this.finished && this.d.asks.waiting(this.sessionID);
  }

  detach(): void {
    if (this.finished) return;
    this.finished = true;
    this.dispose();
    this.resolveExit({ code: null, signal: null, stopped: false });
  }

  private async abort(): Promise<void> {
    try {
      const client = await this.d.server.ready();
      await client.session.abort({ sessionID: this.sessionID, directory: this.directory });
    } catch (error) {
      this.d.logger.warn({ err: error, task: this.s.task.id }, 'aborting the session failed');
    }
  }

  private armDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.onDeadline(), this.d.modelTimeoutMs);
    this.deadline.unref();
  }

  private onDeadline(): void {
    if (this.finished) return;
    // Waiting for a person is not the model's silence: the ask's own timeout covers it.
    if (this.d.asks.waiting(this.sessionID)) {
      this.armDeadline();
      return;
    }
    this.timedOut = noAnswer(this.failureContext(), Math.round(this.d.modelTimeoutMs / 1000), this.lastRetry);
    this.d.logger.warn({ task: this.s.task.id, reason: this.timedOut }, 'model deadline passed; aborting');
    void this.abort();
    const fallback = setTimeout(() => void this.finish({}), 3000);
    fallback.unref();
  }

  private failureContext(): FailureContext {
    const info = this.d.server.info();
    const model = this.s.model || info.defaultModel;
    const provider = model?.split('/')[0] ?? '';
    return { model: model ?? null, models: info.models, endpoint: this.d.server.endpoint(provider) };
  }

  private onEvent(event: OpencodeEvent): void {
    if (this.finished) return;
    const p = event.properties;
    switch (event.type) {
      case 'session.status': {
        const status = p.status ?? {};
        if (status.type === 'busy') this.sawBusy = true;
        else if (status.type === 'retry') {
          this.lastRetry = String(status.message ?? '');
          const nextAt = typeof status.next === 'number' ? new Date(status.next).toISOString() : null;
          this.d.note({
            kind: 'retry',
            attempt: Number(status.attempt ?? 0),
            message: this.lastRetry,
            nextAt,
          });
          this.d.activity(`retrying (attempt ${status.attempt}): ${this.lastRetry}`, 'stderr', false);
        } else if (status.type === 'idle' && this.sawBusy) void this.finish({});
        return;
      }
      case 'session.idle':
        if (this.sawBusy) void this.finish({});
        return;
      case 'session.error':
        if (p.error?.name !== 'MessageAbortedError') {
          this.error = p.error;
          // The raw error is for the task log; people read it in plain words with the result.
          this.d.activity(`error: ${JSON.stringify(p.error).slice(0, 2000)}`, 'stderr', false);
        }
        return;
      case 'message.part.delta':
        this.armDeadline();
        this.d.activity(null);
        return;
      case 'message.part.updated':
        this.armDeadline();
        this.onPart(p.part ?? {});
        return;
      case 'todo.updated':
        this.noteTodos(p.todos);
        return;
      case 'permission.asked':
      case 'question.asked':
        this.d.activity(`asks the team: ${event.type === 'permission.asked' ? p.permission : 'a question'}`);
        void this.d.asks
          .open(this.s.task, event.type === 'permission.asked' ? 'permission' : 'question', p)
          .catch((error) =>
            this.d.logger.error({ err: error, task: this.s.task.id }, 'posting an ask failed'),
          );
        return;
      default:
        return;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: a message part as opencode sends it
  private onPart(part: Record<string, any>): void {
    if (part.type === 'tool') {
      const state = part.state ?? {};
      const status = String(state.status);
      if (this.tools.get(part.callID) === status) return;
      this.tools.set(part.callID, status);
      const title = typeof state.title === 'string' ? state.title : null;
      this.d.note({
        kind: 'tool',
        callId: String(part.callID),
        tool: String(part.tool),
        state: (['pending', 'running', 'completed', 'error'].includes(status)
          ? status
          : 'running') as 'running',
        title,
        input: state.input && Object.keys(state.input).length ? clip(JSON.stringify(state.input), 300) : null,
        output: typeof state.output === 'string' ? clip(state.output, 300) : null,
        error: typeof state.error === 'string' ? clip(state.error, 300) : null,
      });
      if (status === 'completed' || status === 'error') {
        this.d.activity(
          `${part.tool}${title ? ` ${title}` : ''}${status === 'error' ? ` failed: ${clip(String(state.error), 200)}` : ''}`,
        );
        if (status === 'completed') this.recordEdit(String(part.tool), state);
      } else this.d.activity(null);
      if (part.tool === 'todowrite' && state.input?.todos) this.noteTodos(state.input.todos);
    } else if (part.type === 'text' && part.time?.end && typeof part.text === 'string' && part.text.trim()) {
      this.lastText = part.text.trim();
      this.d.note({ kind: 'text', partId: String(part.id), text: clip(this.lastText, 4000) });
      this.d.activity(this.lastText, 'stdout');
    } else if (part.type === 'step-finish') {
      this.steps++;
      const t = part.tokens ?? {};
      const step: TokenCounts = {
        input: t.input ?? 0,
        output: t.output ?? 0,
        reasoning: t.reasoning ?? 0,
        cacheRead: t.cache?.read ?? 0,
        cacheWrite: t.cache?.write ?? 0,
      };
      for (const k of Object.keys(step) as (keyof TokenCounts)[]) this.tokens[k] += step[k];
      this.cost += Number(part.cost ?? 0);
      this.d.note({ kind: 'step', tokens: step, cost: Number(part.cost ?? 0) });
    }
  }

  private noteTodos(todos: unknown): void {
    if (!Array.isArray(todos)) return;
    const states = ['pending', 'in_progress', 'completed', 'cancelled'];
    this.d.note({
      kind: 'todo',
      todos: todos.map((t) => ({
        content: String(t?.content ?? ''),
        status: (states.includes(t?.status) ? t.status : 'pending') as 'pending',
      })),
    });
  }

  /** Files written or edited by tools: the list when opencode has no snapshot diff (not a git repository). */
  // biome-ignore lint/suspicious/noExplicitAny: tool state as opencode sends it
  private recordEdit(tool: string, state: Record<string, any>): void {
    const file = state.input?.filePath ?? state.metadata?.filepath;
    if (!['write', 'edit'].includes(tool) || typeof file !== 'string') return;
    const path = relative(this.directory, resolve(this.directory, file)) || file;
    const diff = state.metadata?.filediff;
    const added =
      typeof diff?.additions === 'number'
        ? diff.additions
        : tool === 'write' && typeof state.input?.content === 'string'
          ? state.input.content
              .split('\n')
              .filter((_: string, i: number, a: string[]) => i < a.length - 1 || _).length
          : 0;
    const prev = this.editedFiles.get(path);
    this.editedFiles.set(path, {
      path,
      additions: (prev?.additions ?? 0) + added,
      deletions: (prev?.deletions ?? 0) + (typeof diff?.deletions === 'number' ? diff.deletions : 0),
    });
  }

  /** The files this task changed: opencode's own diffs of this task's turns, else what its tools wrote. */
  private async changedFiles(): Promise<ChangedFile[]> {
    try {
      const client = await this.d.server.ready();
      const messages = await client.session.messages({
        sessionID: this.sessionID,
        directory: this.directory,
      });
      const files = new Map<string, ChangedFile>();
      for (const m of messages.data ?? []) {
        // biome-ignore lint/suspicious/noExplicitAny: message info as opencode sends it
        const info = m.info as any;
        if (info.role !== 'user' || (info.time?.created ?? 0) < this.since) continue;
        for (const diff of info.summary?.diffs ?? []) {
          const path = String(diff.file ?? diff.path ?? '');
          if (!path) continue;
          const prev = files.get(path);
          files.set(path, {
            path,
            additions: (prev?.additions ?? 0) + Number(diff.additions ?? 0),
            deletions: (prev?.deletions ?? 0) + Number(diff.deletions ?? 0),
          });
        }
      }
      if (files.size) return [...files.values()];
    } catch (error) {
      this.d.logger.warn({ err: error, task: this.s.task.id }, 'reading the session diff failed');
    }
    return [...this.editedFiles.values()];
  }

  private async finish(over: Partial<SessionOutcome>): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const failure = this.timedOut ?? (this.error ? plainFailure(this.error, this.failureContext()) : null);
    const status: SessionOutcome['status'] =
      over.status ?? (this.stopRequested ? 'stopped' : failure ? 'failed' : 'done');
    const files = status === 'interrupted' ? [...this.editedFiles.values()] : await this.changedFiles();
    this.dispose();
    const outcome: SessionOutcome = {
      status,
      summary: this.lastText,
      failure: over.failure ?? (status === 'failed' ? failure : null),
      detail: this.error ? JSON.stringify(this.error).slice(0, 4000) : (this.timedOut ?? null),
      files,
      tokens: this.steps ? this.tokens : null,
      cost: this.steps ? this.cost : null,
    };
    this.resolveExit({
      code: status === 'done' ? 0 : 1,
      signal: null,
      stopped: status === 'stopped',
      outcome,
    });
  }

  private dispose(): void {
    if (this.deadline) clearTimeout(this.deadline);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.sessionID) this.d.asks.closeSession(this.sessionID);
  }
}

function describe(error: unknown): string {
  if (!error) return 'no answer';
  if (error instanceof Error) return error.message;
  return clip(JSON.stringify(error), 300);
}
