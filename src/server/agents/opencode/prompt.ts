// The first prompt of a task's opencode session: who the agent is, the task, and the chat lines that led to it.
import type { Agent, Task } from '../../db/agents-repository';
import type { ChatLine } from '../responder';
import { describeRole } from '../roles';
import { clip } from '../voice';

export function taskPrompt(agent: Agent, task: Task, context: ChatLine[]): string {
  const lines = context.map((l) => `${l.sender}: ${clip(l.text.replace(/\s*\n\s*/g, ' '), 300)}`);
  return [
    `You are ${agent.name}, ${describeRole(agent.role)} on a software team that talks in a team chat.`,
    `Your task (from ${task.assignedBy}): ${task.description}`,
    ...(lines.length ? ['', 'The conversation that led to it:', ...lines] : []),
    '',
    'Work in the current project. If something is unclear, ask with the question tool: the team answers in the chat.',
    'When you are done, end with a short summary of what you changed.',
  ].join('\n');
}

/** A follow-up in the same session: a reply to a finished task, or "continue" after an interruption. */
export function followUpPrompt(task: Task, interrupted: boolean): string {
  return interrupted && /^continue\b/i.test(task.description.trim())
    ? 'You were interrupted (the server restarted). Continue the task where you left off.'
    : `Follow-up from ${task.assignedBy}: ${task.description}`;
}
