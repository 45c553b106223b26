// With several instances (PostgreSQL) one of them runs the agents and the others follow it through the shared
// tables. This is which one this instance is, and how it answers rings: the running instance sweeps (roster, stop
// requests, queued tasks), the others reload their mirror, which follows the status events between reloads.
import type { Logger } from 'pino';
import type { AgentsDispatch } from '../db/agents-dispatch';
import type { Hub } from '../hub/hub';
import { Follower, type FollowerDeps } from './follower';
import { LeaderSweep, type LeaderSweepDeps } from './leader-sweep';
import { KILL_GRACE_MS } from './worker';

export interface ClusterRoleDeps extends LeaderSweepDeps, Omit<FollowerDeps, 'stopWaitMs'> {
  dispatch: AgentsDispatch;
  hub: Hub;
  logger: Logger;
  killGraceMs?: number;
}

export class ClusterRole {
  readonly sweep: LeaderSweep;
  readonly follower: Follower;
  /** True while this instance runs the agents (always, once started, when it is alone). */
  leading = false;

  constructor(private readonly d: ClusterRoleDeps) {
    this.sweep = new LeaderSweep(d);
    this.follower = new Follower({
      ...d,
      // The kill grace, plus the safety-net delay should the ring be lost, plus margin.
      stopWaitMs: (d.killGraceMs ?? KILL_GRACE_MS) + 10_000,
    });
    if (d.dispatch.shared) this.followRings();
  }

  /** True when another instance runs the agents: API calls go through the shared tables and a ring. */
  get following(): boolean {
    return this.d.dispatch.shared && !this.leading;
  }

  private followRings(): void {
    const log = (err: unknown) => this.d.logger.warn({ err }, 'agents: reloading after a ring failed');
    this.d.dispatch.onRing(() => {
      void (this.leading ? this.sweep.sweep() : this.follower.sync()).catch(log);
    });
    // Between reloads, the mirror follows the running instance's status events (they cross instances).
    this.d.hub.onEvent((event) => {
      if (this.following && event.type === 'activity' && event.activity.type === 'agent-status')
        this.d.roster.mirrorStatus(
          event.activity.agent,
          event.activity.status,
          event.activity.task,
          event.activity.failedTask,
        );
    });
  }
}
