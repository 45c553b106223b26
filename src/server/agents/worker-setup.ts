// The coding agent the tasks run on, from the settings: one supervised `opencode serve` (no AGENT_WORKER_COMMAND)
// and the task workspaces (a git worktree per task, or PROJECT_ROOT in turns), opened on first use.
import type { Logger } from 'pino';
import type { TaskEvent } from '../../shared/task-timeline';
import type { Config } from '../config';
import type { AgentsRepository, Task } from '../db/agents-repository';
import { dataDirFor } from './data-dir';
import { OpencodeDriver } from './opencode/driver';
import { OpencodeServer } from './opencode/opencode-server';
import type { ChatLine } from './responder';
import type { Voice } from './voice';
import { openWorkspaces, type Workspaces } from './workspace/workspaces';

/** The opencode driver, or null when AGENT_WORKER_COMMAND runs the tasks instead. */
export function opencodeDriverFor(
  config: Config,
  d: {
    repo: AgentsRepository;
    logger: Logger;
    voice: Voice;
    note: (task: Task, event: TaskEvent) => void;
    context: (task: Task) => Promise<ChatLine[]>;
  },
): OpencodeDriver | null {
  if (config.AGENT_WORKER_COMMAND) return null;
  return new OpencodeDriver({
    server: new OpencodeServer({
      projectRoot: config.PROJECT_ROOT,
      logger: d.logger,
      url: config.OPENCODE_URL,
      // Attaching: the server's password from the settings; starting our own: a random one per start.
      password: config.OPENCODE_URL ? config.OPENCODE_SERVER_PASSWORD : undefined,
      startTimeoutMs: config.OPENCODE_START_TIMEOUT_MS,
    }),
    repo: d.repo,
    logger: d.logger,
    projectRoot: config.PROJECT_ROOT,
    modelTimeoutMs: config.AGENT_MODEL_TIMEOUT_MS,
    askTimeoutMs: config.AGENT_ASK_TIMEOUT_MS,
    voice: d.voice,
    note: d.note,
    context: d.context,
  });
}

/** Opens the workspaces on first call (whether PROJECT_ROOT is a git repository is asked of git); retried after a failure. */
export function workspacesOpener(config: Config, logger: Logger): () => Promise<Workspaces> {
  let opened: Promise<Workspaces> | null = null;
  return () => {
    opened ??= openWorkspaces({
      projectRoot: config.PROJECT_ROOT,
      dataDir: dataDirFor(config),
      baseBranch: config.AGENT_BASE_BRANCH,
      logger,
    }).catch((error) => {
      opened = null;
      throw error;
    });
    return opened;
  };
}
