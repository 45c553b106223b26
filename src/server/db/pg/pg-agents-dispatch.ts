// The agents' doorbell between instances on PostgreSQL: pg_notify on the agents channel (heard through the
// cluster bus's LISTEN connection), stop requests kept as rows until the agents leader takes them, and answers to
// agents' asks passed to the leader and its outcome passed back (pg_notify both ways, bounded by a timeout).
import { randomUUID } from 'node:crypto';
import type { AgentsDispatch, AnswerOutcome, AnswerRequest, StopRequest } from '../agents-dispatch';
import { CHANNELS } from './locks';
import type { PgBus } from './pg-bus';
import type { PgRepository } from './pg-repository';

/** How long a forwarded answer waits for the agents leader's reply. */
const ANSWER_WAIT_MS = 15_000;

type AnswerNotice =
  | { instance: string; id: string; request: AnswerRequest }
  | { instance: string; id: string; outcome: AnswerOutcome };

export class PgAgentsDispatch implements AgentsDispatch {
  readonly shared = true;
  private readonly waiting = new Map<string, (outcome: AnswerOutcome) => void>();
  private handler: ((request: AnswerRequest) => Promise<AnswerOutcome | null>) | null = null;

  constructor(
    private readonly repo: PgRepository,
    private readonly bus: PgBus,
    private readonly answerWaitMs = ANSWER_WAIT_MS,
  ) {
    bus.onDoorbell(CHANNELS.answers, (payload) => this.onAnswerNotice(payload));
  }

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

  async forwardAnswer(request: AnswerRequest): Promise<AnswerOutcome> {
    const id = randomUUID();
    const outcome = new Promise<AnswerOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({
          ok: false,
          code: 'TIMEOUT',
          message: `the server running the agents did not confirm your answer within ${Math.round(this.answerWaitMs / 1000)} s: look at the task to see whether it arrived, or reply to the agent's question in the chat`,
        });
      }, this.answerWaitMs);
      this.waiting.set(id, (o) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(o);
      });
    });
    await this.notify({ instance: this.bus.instanceId, id, request });
    return outcome;
  }

  serveAnswers(handler: (request: AnswerRequest) => Promise<AnswerOutcome | null>): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = null;
    };
  }

  private async notify(notice: AnswerNotice): Promise<void> {
    await this.repo.pool.query('SELECT pg_notify($1, $2)', [CHANNELS.answers, JSON.stringify(notice)]);
  }

  private onAnswerNotice(payload: string | undefined): void {
    if (!payload) return;
    let notice: AnswerNotice;
    try {
      notice = JSON.parse(payload) as AnswerNotice;
    } catch {
      return;
    }
    if ('outcome' in notice) {
      this.waiting.get(notice.id)?.(notice.outcome);
      return;
    }
    const handler = this.handler;
    if (!handler || !('request' in notice)) return;
    void handler(notice.request)
      .then((outcome) =>
        outcome ? this.notify({ instance: this.bus.instanceId, id: notice.id, outcome }) : undefined,
      )
      .catch(() => {
        // The requester times out and says so; nothing was half-done here (the ask desk answers atomically).
      });
  }
}
