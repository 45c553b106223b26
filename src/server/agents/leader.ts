// The agents' commands on the instance that runs the agents (alone, always this one): agents come from the live
// roster, tasks start and stop in the runner here, and the other instances of a cluster are rung so they reload.
// The commands themselves live in commands/; the Follower is the same seat on the other instances.
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { Agent, AgentsRepository, Task } from '../db/agents-repository';
import { type AgentView, agentView, noSuchAgent } from './agent-view';
import type { Seat } from './commands/seat';
import type { Roster } from './roster';
import type { TaskRunner } from './task-runner';

export interface LeaderDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  runner: TaskRunner;
}

/** Re-exported: the cap lives beside the check that both tasks.assign and chat mentions use. */
export { MAX_QUEUED_TASKS } from './queue-cap';

export class Leader implements Seat {
  constructor(private readonly d: LeaderDeps) {}

  async agent(name: string): Promise<Agent> {
    const agent = this.d.roster.get(name);
    if (!agent) throw noSuchAgent(name);
    return agent;
  }

  async runningTask(name: string): Promise<Task | null> {
    return this.d.runner.active(name)?.task ?? null;
  }

  joined(agent: Agent): void {
    this.d.roster.add(agent);
  }

  left(name: string): void {
    this.d.roster.remove(name);
  }

  async announce(): Promise<void> {
    await this.d.dispatch.ring();
  }

  async queued(agent: string, task: Task): Promise<Task> {
    await this.d.runner.startNext(agent);
    return (await this.d.repo.getTask(task.id)) ?? task;
  }

  stop(task: Task, reason: string): Promise<Task> {
    return this.d.runner.stop(task.employee, reason);
  }

  async firedWork(name: string, reason: string): Promise<() => Promise<Task | null>> {
    const { runner } = this.d;
    // Whatever runs once the others were told: the runner knows, no table needs reading.
    return async () => (runner.active(name) ? runner.stop(name, reason) : null);
  }

  async view(agent: Agent): Promise<AgentView> {
    const run = this.d.runner.active(agent.name);
    const queued = await this.d.repo.listTasks({ agent: agent.name, statuses: ['queued'] });
    return agentView(agent, this.d.roster.status(agent.name), run, queued.length);
  }

  async list(): Promise<AgentView[]> {
    return Promise.all(this.d.roster.all().map((e) => this.view(e)));
  }
}
