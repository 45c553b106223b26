// Command mode (AGENT_WORKER_COMMAND, for coding agents other than opencode): the command template filled in
// with the task and its prompt, run in the project root with PWD set, the agent, task and help file in its
// environment. Help files live under the data directory, never in the project.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Agent, Task } from '../db/agents-repository';
import { CommandTemplateError, fillTemplate, STDIN_HELP, splitCommand } from './command-template';
import { NO_CODING_AGENT } from './opencode/driver';
import { describeRole } from './roles';
import { type OutputStream, Worker, WorkerNotInstalledError } from './worker';

export interface LaunchOptions {
  workerCommand: string | undefined;
  projectRoot: string;
  dataDir: string;
  killGraceMs?: number;
}

function prompt(agent: Agent, task: Task, projectRoot: string, helpFile: string, stdin: boolean): string {
  return [
    `You are ${agent.name}, ${describeRole(agent.role)} on a software team.`,
    `Your task: ${task.description}`,
    `Work in ${resolve(projectRoot)}. Print short progress lines as you go.`,
    `If you get stuck, say what you tried and wait: help from the team is appended to ${helpFile}${stdin ? ' and written to your standard input' : ''}.`,
  ].join('\n');
}

/** Starts the worker for `task` (throws when it cannot); help for it goes to the returned help file. */
export function startWorker(
  agent: Agent,
  task: Task,
  o: LaunchOptions,
  onLine: (stream: OutputStream, line: string) => void,
): { worker: Worker; helpFile: string } {
  const root = resolve(o.projectRoot);
  const sessionDir = join(resolve(o.dataDir), 'sessions', agent.name);
  const helpFile = join(sessionDir, 'help.md');
  if (!o.workerCommand) throw new CommandTemplateError('AGENT_WORKER_COMMAND is not set');
  const words = splitCommand(o.workerCommand);
  const stdinHelp = words.includes(STDIN_HELP);
  mkdirSync(sessionDir, { recursive: true });
  const argv = fillTemplate(
    words.filter((w) => w !== STDIN_HELP),
    {
      model: task.model,
      prompt: prompt(agent, task, o.projectRoot, helpFile, stdinHelp),
      task: task.description,
      mode: task.mode,
      name: agent.name,
      role: agent.role,
      help_file: helpFile,
      session_dir: sessionDir,
      task_id: String(task.id),
    },
  );
  const worker = Worker.start(argv, {
    cwd: root,
    env: {
      ...process.env,
      // Tools that take their directory from PWD (opencode does) must see the project, not the server's.
      PWD: root,
      AGENT_NAME: agent.name,
      AGENT_ROLE: agent.role,
      AGENT_TASK_ID: String(task.id),
      AGENT_HELP_FILE: helpFile,
    },
    killGraceMs: o.killGraceMs,
    onLine,
    stdinHelp,
    helpFile,
  });
  return { worker, helpFile };
}

/** Why startWorker threw: for the task and the log, or (`forChat`) a sentence for people. */
export function startFailure(error: unknown, forChat = false): string {
  if (error instanceof WorkerNotInstalledError)
    return forChat ? NO_CODING_AGENT : `${error.message}; check AGENT_WORKER_COMMAND`;
  if (error instanceof CommandTemplateError)
    return forChat ? `${NO_CODING_AGENT} (${error.message})` : error.message;
  return forChat ? NO_CODING_AGENT : `could not start the worker: ${(error as Error).message}`;
}
