// The hired agents in memory with their live status; feeds presence.list() and agent-status activity events.
// On the instance running the agents it is the source of those events; on the others (a cluster) it is a quiet
// mirror of the shared tables, so presence.list() shows the agents everywhere.
import type { AgentStatus, PresenceEntry } from '../../shared/activity';
import type { TaskUpdate } from '../../shared/task-timeline';
import type { Agent, Task } from '../db/agents-repository';
import type { Hub } from '../hub/hub';
import { statusFromTask } from './agent-view';

interface Live {
  status: AgentStatus;
  task: string | null;
  /** Its last task's id when that one failed: shown until the next task starts, not a silent "idle". */
  failedTask: number | null;
  /** The newest task seen running: a late failure entry of an older task does not mark the agent again. */
  lastStarted: number;
}

export class Roster {
  private readonly agents = new Map<string, Agent>();
  private readonly live = new Map<string, Live>();

  constructor(private readonly hub: Hub) {}

  add(agent: Agent): void {
    this.agents.set(agent.name, agent);
    this.live.set(agent.name, { status: 'idle', task: null, failedTask: null, lastStarted: 0 });
    const at = new Date().toISOString();
    this.hub.publishActivity({
      type: 'presence',
      user: agent.name,
      kind: 'agent',
      online: true,
      at,
      role: agent.role,
    });
    this.hub.publishActivity({
      type: 'agent-status',
      agent: agent.name,
      status: 'idle',
      task: null,
      at,
      failedTask: null,
    });
  }

  remove(name: string): void {
    if (!this.agents.delete(name)) return;
    this.live.delete(name);
    const at = new Date().toISOString();
    this.hub.publishActivity({ type: 'agent-status', agent: name, status: 'offline', task: null, at });
    this.hub.publishActivity({ type: 'presence', user: name, kind: 'agent', online: false, at });
  }

  /**
   * Brings the roster in line with the agents table, announcing each hire and departure like add/remove.
   * Returns the names that left, whose workers the caller stops.
   */
  reconcile(employees: Agent[]): string[] {
    const current = new Set(employees.map((e) => e.name));
    const gone = [...this.agents.keys()].filter((name) => !current.has(name));
    for (const name of gone) this.remove(name);
    for (const agent of employees) if (!this.agents.has(agent.name)) this.add(agent);
    return gone;
  }

  /**
   * Mirrors the shared tables without announcing anything (the instance running the agents announces): the
   * agents, and a status from each one's running or stuck task.
   */
  mirror(employees: Agent[], active: Task[]): void {
    const before = new Map(this.live);
    this.agents.clear();
    this.live.clear();
    for (const agent of employees) {
      this.agents.set(agent.name, agent);
      const task = active.find((t) => t.employee === agent.name);
      const previous = before.get(agent.name);
      this.live.set(agent.name, {
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

  get(name: string): Agent | undefined {
    return this.agents.get(name);
  }

  all(): Agent[] {
    return [...this.agents.values()];
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
