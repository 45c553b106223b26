// The hired employees in memory with their live status; feeds presence.list() and agent-status activity events.
// On the instance running the agents it is the source of those events; on the others (a cluster) it is a quiet
// mirror of the shared tables, so presence.list() shows the agents everywhere.
import type { AgentStatus, PresenceEntry } from '../../shared/activity';
import type { Employee, Task } from '../db/agents-repository';
import type { Hub } from '../hub/hub';
import { statusFromTask } from './employee-view';

interface Live {
  status: AgentStatus;
  task: string | null;
}

export class Roster {
  private readonly employees = new Map<string, Employee>();
  private readonly live = new Map<string, Live>();

  constructor(private readonly hub: Hub) {}

  add(employee: Employee): void {
    this.employees.set(employee.name, employee);
    this.live.set(employee.name, { status: 'idle', task: null });
    const at = new Date().toISOString();
    this.hub.publishActivity({ type: 'presence', user: employee.name, kind: 'agent', online: true, at });
    this.hub.publishActivity({ type: 'agent-status', agent: employee.name, status: 'idle', task: null, at });
  }

  remove(name: string): void {
    if (!this.employees.delete(name)) return;
    this.live.delete(name);
    const at = new Date().toISOString();
    this.hub.publishActivity({ type: 'agent-status', agent: name, status: 'offline', task: null, at });
    this.hub.publishActivity({ type: 'presence', user: name, kind: 'agent', online: false, at });
  }

  /**
   * Brings the roster in line with the employees table, announcing each hire and departure like add/remove.
   * Returns the names that left, whose workers the caller stops.
   */
  reconcile(employees: Employee[]): string[] {
    const current = new Set(employees.map((e) => e.name));
    const gone = [...this.employees.keys()].filter((name) => !current.has(name));
    for (const name of gone) this.remove(name);
    for (const employee of employees) if (!this.employees.has(employee.name)) this.add(employee);
    return gone;
  }

  /**
   * Mirrors the shared tables without announcing anything (the instance running the agents announces): the
   * employees, and a status from each one's running or stuck task.
   */
  mirror(employees: Employee[], active: Task[]): void {
    this.employees.clear();
    this.live.clear();
    for (const employee of employees) {
      this.employees.set(employee.name, employee);
      const task = active.find((t) => t.employee === employee.name);
      this.live.set(employee.name, { status: statusFromTask(task), task: task?.description ?? null });
    }
  }

  /** Follows an agent-status event from the instance running the agents, between two mirror() reloads. */
  mirrorStatus(name: string, status: AgentStatus, task: string | null): void {
    const live = this.live.get(name);
    if (live && status !== 'offline') Object.assign(live, { status, task });
  }

  get(name: string): Employee | undefined {
    return this.employees.get(name);
  }

  all(): Employee[] {
    return [...this.employees.values()];
  }

  status(name: string): AgentStatus {
    return this.live.get(name)?.status ?? 'offline';
  }

  /** Publishes an agent-status event when something changed. */
  setStatus(name: string, status: AgentStatus, task: string | null): void {
    const live = this.live.get(name);
    if (!live || (live.status === status && live.task === task)) return;
    live.status = status;
    live.task = task;
    this.hub.publishActivity({
      type: 'agent-status',
      agent: name,
      status,
      task,
      at: new Date().toISOString(),
    });
  }

  presence(): PresenceEntry[] {
    return this.all()
      .map((e) => ({
        name: e.name,
        kind: 'agent' as const,
        online: true,
        connections: 0,
        since: e.hiredAt,
        status: this.status(e.name),
        role: e.role,
        task: this.live.get(e.name)?.task ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
