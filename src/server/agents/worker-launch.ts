// Starting the worker for a task: the worker command (AGENT_WORKER_COMMAND, or opencode's) filled in with the
// task and its prompt, run in the project root with the agent, task and help file in its environment.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Employee, Task } from '../db/agents-repository';
import { CommandTemplateError, DEFAULT_WORKER_COMMAND, fillTemplate, splitCommand } from './command-template';
import { describeRole } from './roles';
import { type OutputStream, Worker, WorkerNotInstalledError } from './worker';

export interface LaunchOptions {
  workerCommand: string | undefined;
  projectRoot: string;
  killGraceMs?: number;
}

function prompt(employee: Employee, task: Task, projectRoot: string, helpFile: string): string {
  return [
    `You are ${employee.name}, ${describeRole(employee.role)} on a software team.`,
    `Your task: ${task.description}`,
    `Work in ${resolve(projectRoot)}. Print short progress lines as you go.`,
    `If you get stuck, say what you tried and wait: help from the team is appended to ${helpFile} and written to your standard input.`,
  ].join('\n');
}

/** Starts the worker for `task` (throws when it cannot); help for it goes to the returned help file. */
export function startWorker(
  employee: Employee,
  task: Task,
  o: LaunchOptions,
  onLine: (stream: OutputStream, line: string) => void,
): { worker: Worker; helpFile: string } {
  const root = resolve(o.projectRoot);
  const sessionDir = join(root, 'sessions', employee.name);
  const helpFile = join(sessionDir, 'help.md');
  const template = o.workerCommand || DEFAULT_WORKER_COMMAND;
  mkdirSync(sessionDir, { recursive: true });
  const argv = fillTemplate(splitCommand(template), {
    model: task.model,
    prompt: prompt(employee, task, o.projectRoot, helpFile),
    task: task.description,
    mode: task.mode,
    name: employee.name,
    role: employee.role,
    help_file: helpFile,
    session_dir: sessionDir,
    task_id: String(task.id),
  });
  const worker = Worker.start(argv, {
    cwd: root,
    env: {
      ...process.env,
      AGENT_NAME: employee.name,
      AGENT_ROLE: employee.role,
      AGENT_TASK_ID: String(task.id),
      AGENT_HELP_FILE: helpFile,
    },
    killGraceMs: o.killGraceMs,
    onLine,
  });
  return { worker, helpFile };
}

/** Why startWorker threw, as the chat and the task are told. */
export function startFailure(error: unknown): string {
  return error instanceof WorkerNotInstalledError
    ? `${error.message}; set AGENT_WORKER_COMMAND`
    : error instanceof CommandTemplateError
      ? error.message
      : `could not start the worker: ${(error as Error).message}`;
}
