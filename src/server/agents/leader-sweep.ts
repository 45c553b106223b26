// On the instance running the agents, in a cluster: what a ring from another instance asks for. Reload the roster
// (announcing hires; cancelling the queue and stopping the worker of anyone fired), stop the workers whose stop
// was requested, and claim the tasks queued elsewhere. Runs on every ring and every few seconds (lost rings).
import type { Logger } from 'pino';
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { AgentsRepository } from '../db/agents-repository';
import { coalesce } from '../serial';
import { retireFired } from './commands/fire';
import type { Roster } from './roster';
import type { TaskRunner } from './task-runner';

export interface LeaderSweepDeps {
  repo: AgentsRepository;
  dispatch: AgentsDispatch;
  roster: Roster;
  runner: TaskRunner;
  logger: Logger;
  /** Serialises roster changes with this instance's own hire/fire, so a reload never undoes one half-way. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

export class LeaderSweep {
  /** Reloads the roster from the agents table; resolves after a reload that started after the call. */
  readonly syncRoster: () => Promise<void>;
  readonly sweep: () => Promise<void>;

  constructor(private readonly d: LeaderSweepDeps) {
    this.syncRoster = coalesce(() => this.reloadRoster());
    this.sweep = coalesce(async () => {
      await this.syncRoster();
      await this.stopRequested();
      await this.startQueued();
    });
  }

  private async reloadRoster(): Promise<void> {
    const { repo, roster, runner } = this.d;
    const gone = await this.d.exclusive(async () => roster.reconcile(await repo.listAgents()));
    for (const name of gone) {
      this.d.logger.info({ agent: name }, 'employee fired on another instance');
      void retireFired(repo, runner, name).catch((err) =>
        this.d.logger.error({ err, agent: name }, 'stopping a fired employee failed'),
      );
    }
  }

  private async stopRequested(): Promise<void> {
    const { repo, runner } = this.d;
    for (const request of await this.d.dispatch.takeStopRequests()) {
      const task = await repo.getTask(request.taskId);
      if (!task) continue;
      // A launch in progress registers its worker first; a task no longer running here is left as it is.
      await runner.withLock(task.employee, async () => {});
      if (runner.active(task.employee)?.task.id !== task.id) continue;
      this.d.logger.info(
        { agent: task.employee, task: task.id },
        'stopping a task at another instance’s request',
      );
      void runner.stop(task.employee, request.reason).catch(() => {});
    }
  }

  private async startQueued(): Promise<void> {
    const queued = await this.d.repo.listTasks({ statuses: ['queued'] });
    for (const name of new Set(queued.map((t) => t.employee)))
      if (this.d.roster.get(name) && !this.d.runner.active(name))
        void this.d.runner
          .startNext(name)
          .catch((err) => this.d.logger.error({ err, agent: name }, 'starting a queued task failed'));
  }
}
