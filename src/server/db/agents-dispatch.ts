// How agent API calls made on any instance reach the instance that runs the agents (the holder of the agents
// role). Alone (SQLite) this process is that instance and acts directly, so the dispatch does nothing; on
// PostgreSQL the receiving instance writes to the shared tables and rings a doorbell the holder listens to.

export interface StopRequest {
  taskId: number;
  reason: string;
}

/** An answer to an agent's question or permission ask, made on an instance that does not run the agents. */
export interface AnswerRequest {
  askId: string;
  answer: string;
  by: { id: string; role: 'user' | 'admin' };
}

/** What the agents leader made of a forwarded answer: the settled ask, or the refusal it would have given. */
export type AnswerOutcome =
  | { ok: true; askId: string; taskId: number; answer: string | null; by: string | null }
  | {
      ok: false;
      code: 'NOT_FOUND' | 'FORBIDDEN' | 'PRECONDITION_FAILED' | 'BAD_REQUEST' | 'TIMEOUT';
      message: string;
    };

export interface AgentsDispatch {
  /** True when other instances share the agents' tables, so the holder of the role may be another process. */
  readonly shared: boolean;
  /** Tells every instance that agents, queued tasks or stop requests changed. */
  ring(): Promise<void>;
  /**
   * Calls `listener` on every ring from any instance, after the doorbell's connection (re)connects and every few
   * seconds as a safety net, so a lost ring delays a change but never loses it. Returns the unsubscribe function.
   */
  onRing(listener: () => void): () => void;
  /** Asks the holder to stop the worker running task `taskId` (kept until the holder takes it). */
  requestStop(taskId: number, reason: string): Promise<void>;
  /** The holder takes the waiting stop requests; each is returned once. */
  takeStopRequests(): Promise<StopRequest[]>;
  /** Passes an answer to the holder and waits for its outcome (a TIMEOUT outcome when it does not reply in time). */
  forwardAnswer(request: AnswerRequest): Promise<AnswerOutcome>;
  /** Serves forwarded answers with `handler` (null: not for this instance, say nothing); returns the remover. */
  serveAnswers(handler: (request: AnswerRequest) => Promise<AnswerOutcome | null>): () => void;
}

/** One process: every call is already made on the holder, so there is nobody to ring and nothing to queue. */
export class SoleDispatch implements AgentsDispatch {
  readonly shared = false;

  async ring(): Promise<void> {}

  onRing(_listener: () => void): () => void {
    return () => {};
  }

  async requestStop(taskId: number): Promise<void> {
    throw new Error(`task ${taskId}: stop requests exist only between instances; stop the worker directly`);
  }

  async takeStopRequests(): Promise<StopRequest[]> {
    return [];
  }

  async forwardAnswer(request: AnswerRequest): Promise<AnswerOutcome> {
    throw new Error(`ask ${request.askId}: answers are forwarded only between instances; answer it directly`);
  }

  serveAnswers(): () => void {
    return () => {};
  }
}
