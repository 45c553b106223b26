// The task timeline's doorbell between instances on PostgreSQL: pg_notify on the tasks channel, heard through the
// cluster bus's LISTEN connection (which also rings it on reconnect and every few seconds).
import type { TimelineSignal } from '../timeline-signal';
import { CHANNELS } from './locks';
import type { PgBus } from './pg-bus';
import type { PgRepository } from './pg-repository';

export class PgTimelineSignal implements TimelineSignal {
  readonly shared = true;

  constructor(
    private readonly repo: PgRepository,
    private readonly bus: PgBus,
  ) {}

  async ring(): Promise<void> {
    await this.repo.pool.query('SELECT pg_notify($1, $2)', [CHANNELS.tasks, this.bus.instanceId]);
  }

  onRing(listener: () => void): () => void {
    return this.bus.onDoorbell(CHANNELS.tasks, listener);
  }
}
