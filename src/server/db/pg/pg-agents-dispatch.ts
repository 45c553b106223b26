// The agents' doorbell between instances on PostgreSQL: pg_notify on the agents channel (heard through the
// cluster bus's LISTEN connection) and stop requests kept as rows until the agents leader takes them.
import type { AgentsDispatch, StopRequest } from '../agents-dispatch';
import { CHANNELS } from './locks';
import type { PgBus } from './pg-bus';
import type { PgRepository } from './pg-repository';

export class PgAgentsDispatch implements AgentsDispatch {
  readonly shared = true;

  constructor(
    private readonly repo: PgRepository,
    private readonly bus: PgBus,
  ) {}

  async ring(): Promise<void> {
    await this.repo.pool.query('SELECT pg_notify($1, $2)', [CHANNELS.agents, this.bus.instanceId]);
  }

  onRing(listener: () => void): () => void {
    return this.bus.onDoorbell(CHANNELS.agents, listener);
  }

  async requestStop(taskId: number, reason: string): Promise<void> {
    // A second request for the same task keeps the first reason: the worker is stopped once either way.
    await this.repo.pool.query(
      'INSERT INTO agent_stop_requests (task_id, reason) VALUES ($1, $2) ON CONFLICT (task_id) DO NOTHING',
      [taskId, reason],
    );
  }

  async takeStopRequests(): Promise<StopRequest[]> {
    const { rows } = await this.repo.pool.query<{ task_id: number; reason: string }>(
      'DELETE FROM agent_stop_requests RETURNING task_id, reason',
    );
    return rows.map((r) => ({ taskId: r.task_id, reason: r.reason })).sort((a, b) => a.taskId - b.taskId);
  }
}
