// The hired employees in memory with their live status; feeds presence.list() and agent-status activity events.
// On the instance running the agents it is the source of those events; on the others (a cluster) it is a quiet
// mirror of the shared tables, so presence.list() shows the agents everywhere.
import type { AgentStatus, PresenceEntry } from '../../shared/activity';
import type { TaskUpdate } from '../../shared/task-timeline';
import type { Employee, Task } from '../db/agents-repository';
import type { Hub } from '../hub/hub';
import { statusFromTask } from './employee-view';

interface Live {
  status: AgentStatus;
  task: string | null;
  /** Its last task's id when that one failed: shown until the next task starts, not a silent "idle". */
  failedTask: number | null;
  /** The newest task seen running: a late failure entry of an older task does not mark the agent again. */
  lastStarted: number;
}

export class Roster {
  private readonly employees = new Map<string, Employee>();
  private readonly live = new Map<string, Live>();

  constructor(private readonly hub: Hub) {}

  add(employee: Employee): void {
    this.employees.set(employee.name, employee);
    this.live.set(employee.name, { status: 'idle', task: null, failedTask: null, lastStarted: 0 });
    const at = new Date().toISOString();
    this.hub.publishActivity({
      type: 'presence',
      user: employee.name,
      kind: 'agent',
      online: true,
      at,
      role: employee.role,
    });
    this.hub.publishActivity({
      type: 'agent-status',
      agent: employee.name,
      status: 'idle',
      task: null,
      at,
      failedTask: null,
    });
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
    const before = new Map(this.live);
    this.employees.clear();
    this.live.clear();
    for (const employee of employees) {
      this.employees.set(employee.name, employee);
      const task = active.find((t) => t.employee === employee.name);
      const previous = before.get(employee.name);
      this.live.set(employee.name, {
        status: statusFromTask(task),
        task: task?.description ?? null,
        // The tables hold no "last task failed" mark: a reload keeps the one heard, until a task runs.
        failedTask: task ? null : (previous?.failedTask ?? null),
        lastStarted: Math.max(task?.id ?? 0, previous?.lastStarted ?? 0),
      });
    }
  }

  /** Follows an agent-status event from the instance running the agents, between two mirror() reloads. */
  mirrorStatus(name: string, status: AgentStatus, task: string | null, failedTask?: number | null): void {
    const live = this.live.get(name);
    if (live && status !== 'offline')
      Object.assign(live, { status, task }, failedTask !== undefined ? { failedTask } : {});
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

  /** Publishes an agent-status event when something changed; starting work clears a failure shown. */
  setStatus(name: string, status: AgentStatus, task: string | null): void {
    const live = this.live.get(name);
    const failedTask = status === 'working' ? null : (live?.failedTask ?? null);
    if (!live || (live.status === status && live.task === task && live.failedTask === failedTask)) return;
    Object.assign(live, { status, task, failedTask });
    this.announce(name, live);
  }

  /**
   * Follows the task timeline: a task that ends failed marks its agent (published at once, whatever the agent's
   * status), one that runs or ends otherwise clears the mark.
   */
  noteTask(update: TaskUpdate): void {
    if (update.event.kind !== 'status') return;
    const live = this.live.get(update.employee);
    if (!live) return;
    const { status } = update.event;
    if (update.taskId < live.lastStarted) return;
    if (status === 'running') live.lastStarted = update.taskId;
    let failedTask = live.failedTask;
    if (status === 'failed') failedTask = update.taskId;
    else if (status === 'running' || status === 'done') failedTask = null;
    if (failedTask === live.failedTask) return;
    live.failedTask = failedTask;
    this.announce(update.employee, live);
  }

  /** At start-up, from the tables: an agent whose newest task had failed is marked again, as before the restart. */
  restoreLastTask(name: string, last: Pick<Task, 'id' | 'status'> | undefined): void {
    const live = this.live.get(name);
    if (!live || !last || last.status !== 'failed' || live.failedTask !== null) return;
    live.failedTask = last.id;
    this.announce(name, live);
  }

  private announce(name: string, live: Live): void {
    this.hub.publishActivity({
      type: 'agent-status',
      agent: name,
      status: live.status,
      task: live.task,
      at: new Date().toISOString(),
      failedTask: live.failedTask,
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
        failedTask: this.live.get(e.name)?.failedTask ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
