// Answers to an agent's question or permission request (web and Telegram buttons, tasks.answer, chat replies):
// the asks live where the agents run, so another instance forwards the answer there and waits for the outcome.
import type { Logger } from 'pino';
import type { User } from '../auth';
import type { AgentsDispatch, AnswerOutcome, AnswerRequest } from '../db/agents-dispatch';
import { DomainError } from '../domain-error';
import type { ClusterRole } from './cluster-role';
import type { PendingAsk } from './opencode/ask-desk';
import type { OpencodeDriver } from './opencode/driver';

/** A settled ask as API callers see it: here, or on the instance running the agents. */
export type AskAnswer = Pick<PendingAsk, 'askId' | 'answer' | 'answeredBy'> & { task: { id: number } };

export class AskAnswers {
  constructor(
    private readonly d: {
      driver: OpencodeDriver | null;
      dispatch: AgentsDispatch;
      cluster: ClusterRole;
      logger: Logger;
    },
  ) {
    // Answers made on the other instances (buttons, tasks.answer) reach the asks here while the agents run here.
    d.dispatch.serveAnswers((request) => this.answerForwarded(request));
  }

  async answer(askId: string, answer: string, by: User): Promise<AskAnswer> {
    const { driver, cluster, dispatch } = this.d;
    if (!driver)
      throw new DomainError('NOT_FOUND', `there is no open question or permission request ${askId} here`);
    if (!cluster.following) return driver.asks.answer(askId, answer, by);
    const outcome = await dispatch.forwardAnswer({ askId, answer, by: { id: by.id, role: by.role } });
    if (!outcome.ok) throw new DomainError(outcome.code, outcome.message);
    return {
      askId: outcome.askId,
      task: { id: outcome.taskId },
      answer: outcome.answer,
      answeredBy: outcome.by,
    };
  }

  /** The agents leader's side of a forwarded answer: its outcome, or null when the agents do not run here. */
  private async answerForwarded(request: AnswerRequest): Promise<AnswerOutcome | null> {
    const { driver, cluster } = this.d;
    if (!driver || !cluster.leading) return null;
    try {
      const ask = await driver.asks.answer(request.askId, request.answer, request.by);
      return { ok: true, askId: ask.askId, taskId: ask.task.id, answer: ask.answer, by: ask.answeredBy };
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'TOO_MANY_REQUESTS' && error.code !== 'CONFLICT')
        return { ok: false, code: error.code, message: error.message };
      this.d.logger.error({ err: error, ask: request.askId }, 'a forwarded answer failed');
      return {
        ok: false,
        code: 'PRECONDITION_FAILED',
        message: 'the coding agent did not take the answer; try again',
      };
    }
  }
}
