// What employees.list shows for one agent, built the same way from the live runner (the instance running the
// agents) or from the shared tables (any other instance of a cluster).
import type { AgentStatus } from '../../shared/activity';
import type { Agent, Task } from '../db/agents-repository';
import { DomainError } from '../domain-error';
import { expertiseFor } from './roles';

export interface AgentView extends Agent {
  status: AgentStatus;
  expertise: string[];
  currentTask: { id: number; description: string; progress: string | null; startedAt: string | null } | null;
  queued: number;
}

export function agentView(
  agent: Agent,
  status: AgentStatus,
  current: { task: Task; progress: string | null } | null,
  queued: number,
): AgentView {
  return {
    ...agent,
    status,
    expertise: expertiseFor(agent.role),
    currentTask: current
      ? {
          id: current.task.id,
          description: current.task.description,
          progress: current.progress,
          startedAt: current.task.startedAt,
        }
      : null,
    queued,
  };
}

/** An agent's status as the tables tell it: from its running or stuck task, if any. */
export const statusFromTask = (task: Task | undefined): AgentStatus =>
  task ? (task.status === 'stuck' ? 'stuck' : 'working') : 'idle';

/** Admins, or whoever assigned the running task, may stop it. */
export function assertMayStop(task: Task, by: { id: string; role: string }): void {
  if (by.role !== 'admin' && task.assignedBy !== by.id)
    throw new DomainError(
      'FORBIDDEN',
      `only an admin or ${task.assignedBy} (who assigned it) may stop ${task.employee}'s task`,
    );
}

export const noSuchAgent = (name: string) =>
  new DomainError('NOT_FOUND', `there is no employee named ${name}; hire one first (employees.hire)`);

export const noRunningTask = (agent: string, queued: number) =>
  new DomainError('NOT_FOUND', `${agent} has no running task to stop${queued ? ` (${queued} queued)` : ''}`);
