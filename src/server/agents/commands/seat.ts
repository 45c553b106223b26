// What the agents' commands (hire, fire, assign, stop) need, and the part of them that differs between the
// instance running the agents (Leader) and the others of a cluster (Follower): the commands' bodies live once.
import type { Logger } from 'pino';
import type { Agent, AgentsRepository, Task } from '../../db/agents-repository';
import type { Responder } from '../responder';
import type { TaskRunner } from '../task-runner';
import type { Voice } from '../voice';

export interface CommandDeps {
  repo: AgentsRepository;
  runner: TaskRunner;
  voice: Voice;
  responder: () => Responder;
  logger: Logger;
  /** Serialises roster changes with reloads of the roster (cluster), so a reload never undoes one half-way. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** The role's side of the commands: where agents and running tasks are read, who is told, how work stops. */
export interface Seat {
  /** The agent, or NOT_FOUND (from the live roster where the agents run, else from the table). */
  agent(name: string): Promise<Agent>;
  /** The agent's running or stuck task, if any. */
  runningTask(name: string): Promise<Task | null>;
  /** The agent was inserted (the live roster announces it) or deleted (it announces the departure). */
  joined(employee: Agent): void;
  left(name: string): void;
  /** The roster or a queue changed: the other instances are told (and, off the agents, the mirror reloads). */
  announce(): Promise<void>;
  /** A task was queued for `employee`: it starts (or its instance is told); resolves with the task as it is now. */
  queued(employee: string, task: Task): Promise<Task>;
  /** Stops `task`, running now, for `reason`; resolves once its end is recorded. */
  stop(task: Task, reason: string): Promise<Task>;
  /**
   * A fired agent's work: read before the others are told (a task started meanwhile is found too), returned as
   * what ends it once they were — the stopped task, or null when nothing ran.
   */
  firedWork(name: string, reason: string): Promise<() => Promise<Task | null>>;
}
