// What employees.list shows for one employee, built the same way from the live runner (the instance running the
// agents) or from the shared tables (any other instance of a cluster).
import type { AgentStatus } from '../../shared/activity';
import type { Employee, Task } from '../db/agents-repository';
import { ChatError } from '../hub/errors';
import { expertiseFor } from './roles';

export interface EmployeeView extends Employee {
  status: AgentStatus;
  expertise: string[];
  currentTask: { id: number; description: string; progress: string | null; startedAt: string | null } | null;
  queued: number;
}

export function employeeView(
  employee: Employee,
  status: AgentStatus,
  current: { task: Task; progress: string | null } | null,
  queued: number,
): EmployeeView {
  return {
    ...employee,
    status,
    expertise: expertiseFor(employee.role),
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

/** An employee's status as the tables tell it: from its running or stuck task, if any. */
export const statusFromTask = (task: Task | undefined): AgentStatus =>
  task ? (task.status === 'stuck' ? 'stuck' : 'working') : 'idle';

/** Admins, or whoever assigned the running task, may stop it. */
export function assertMayStop(task: Task, by: { id: string; role: string }): void {
  if (by.role !== 'admin' && task.assignedBy !== by.id)
    throw new ChatError(
      'FORBIDDEN',
      `only an admin or ${task.assignedBy} (who assigned it) may stop ${task.employee}'s task`,
    );
}

export const noSuchEmployee = (name: string) =>
  new ChatError('NOT_FOUND', `there is no employee named ${name}; hire one first (employees.hire)`);

export const noRunningTask = (employee: string, queued: number) =>
  new ChatError('NOT_FOUND', `${employee} has no running task to stop${queued ? ` (${queued} queued)` : ''}`);
