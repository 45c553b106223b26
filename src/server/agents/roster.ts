// The hired employees in memory with their live status; feeds presence.list() and agent-status activity events.
import type { AgentStatus, PresenceEntry } from '../../shared/activity';
import type { Employee } from '../db/agents-repository';
import type { Hub } from '../hub/hub';

interface Live {
  status: AgentStatus;
  task: string | null;
}

export class Roster {
  private readonly employees = new Map<string, Employee>();
  private readonly live = new Map<string, Live>();

  constructor(private readonly hub: Hub) {}

  load(employees: Employee[]): void {
    for (const employee of employees) {
      this.employees.set(employee.name, employee);
      this.live.set(employee.name, { status: 'idle', task: null });
    }
  }

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
