// The default worker: each task is an opencode session on the supervised server. Checks the model against what
// opencode offers, builds the prompt, and starts (or continues) the task's session.
import type { Logger } from 'pino';
import type { TaskEvent } from '../../../shared/task-timeline';
import type { Agent, AgentsRepository, LogStream, Task } from '../../db/agents-repository';
import type { ChatLine } from '../responder';
import { AskDesk } from './ask-desk';
import { unknownModel } from './failure';
import { type OpencodeServer, OpencodeUnavailableError } from './opencode-server';
import { followUpPrompt, taskPrompt } from './prompt';
import { SessionRun } from './session-run';

/** Chat users get this; the reason (binary missing, server down…) is in the admin view, /health and the log. */
export const NO_CODING_AGENT =
  'no coding agent is set up on this server — an admin can see why in Admin → Agents';

/** The task cannot start for a reason people can act on; `chat` is said in the chat, `detail` logged. */
export class SessionStartError extends Error {
  constructor(
    readonly chat: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'SessionStartError';
  }
}

export interface OpencodeDriverDeps {
  server: OpencodeServer;
  repo: AgentsRepository;
  logger: Logger;
  projectRoot: string;
  modelTimeoutMs: number;
  askTimeoutMs: number;
  voice: ConstructorParameters<typeof AskDesk>[0]['voice'];
  note: (task: Task, event: TaskEvent) => void;
  /** The chat lines before the task's message (the conversation that led to it). */
  context: (task: Task) => Promise<ChatLine[]>;
}

export interface SessionHooks {
  note: (event: TaskEvent) => void;
  activity: (line: string | null, stream?: LogStream, alive?: boolean) => void;
}

export class OpencodeDriver {
  readonly asks: AskDesk;

  constructor(private readonly d: OpencodeDriverDeps) {
    this.asks = new AskDesk({
      server: d.server,
      voice: d.voice,
      logger: d.logger,
      timeoutMs: d.askTimeoutMs,
      note: d.note,
    });
  }

  get server(): OpencodeServer {
    return this.d.server;
  }

  /** Throws SessionStartError with a chat sentence when the model is not one opencode offers. */
  async checkModel(model: string): Promise<void> {
    try {
      await this.d.server.ready();
    } catch (error) {
      if (error instanceof OpencodeUnavailableError)
        throw new SessionStartError(NO_CODING_AGENT, error.detail);
      throw error;
    }
    const { models, defaultModel } = this.d.server.info();
    if (!model && !defaultModel)
      throw new SessionStartError(
        NO_CODING_AGENT,
        'no model: set AGENT_MODEL (provider/model) or a default model in opencode’s config',
      );
    if (model && !models.includes(model)) {
      const text = unknownModel(model, models);
      throw new SessionStartError(text, text);
    }
  }

  /** Starts the task's session (or re-attaches to it: `attachOnly`). Throws SessionStartError. */
  async start(
    agent: Agent,
    task: Task & { sessionId?: string | null },
    hooks: SessionHooks,
    options: {
      attachOnly?: boolean;
      interrupted?: boolean;
      /** Where the session works (the task's worktree); the project root when not given. */
      directory?: string;
      /** A follow-up prompt of the caller's (resolving a merge conflict) instead of the task's own. */
      prompt?: string;
    } = {},
  ): Promise<SessionRun> {
    await this.checkModel(task.model);
    const sessionID = task.sessionId ?? null;
    const prompt =
      options.prompt ??
      (sessionID
        ? followUpPrompt(task, options.interrupted ?? false)
        : taskPrompt(agent, task, await this.d.context(task)));
    try {
      return await SessionRun.start(
        {
          server: this.d.server,
          asks: this.asks,
          logger: this.d.logger,
          projectRoot: this.d.projectRoot,
          modelTimeoutMs: this.d.modelTimeoutMs,
          note: hooks.note,
          activity: hooks.activity,
          saveSession: async (id) => {
            if (id !== sessionID) await this.d.repo.updateTask(task.id, { sessionId: id });
          },
        },
        {
          task,
          prompt,
          model: task.model,
          sessionID,
          attachOnly: options.attachOnly,
          directory: options.directory,
        },
      );
    } catch (error) {
      if (error instanceof OpencodeUnavailableError)
        throw new SessionStartError(NO_CODING_AGENT, error.detail);
      throw new SessionStartError(
        "the coding agent did not take the task — an admin can see why in the task's log",
        (error as Error).message,
      );
    }
  }

  /**
   * Whether opencode still works on `sessionID` (a restart while attached to a server that kept running); statuses
   * are per directory: the session's own (its task's worktree), else the project root.
   */
  async busy(sessionID: string, directory?: string): Promise<boolean> {
    try {
      const client = await this.d.server.ready();
      const status = await client.session.status({ directory: directory ?? this.d.projectRoot });
      const s = (status.data as Record<string, { type: string }> | undefined)?.[sessionID];
      return s?.type === 'busy' || s?.type === 'retry';
    } catch {
      return false;
    }
  }
}
