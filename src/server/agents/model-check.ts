// Whether a model asked for (a hire, a task) is one opencode offers: checked when opencode runs, else left to the
// task's start, which says so.
import { MODEL_ID } from '../config';
import { DomainError } from '../domain-error';
import type { OpencodeDriver } from './opencode/driver';
import { unknownModel } from './opencode/failure';

/** BAD_REQUEST naming the models available, or the expected form. */
export async function assertModel(driver: OpencodeDriver | null, model: string): Promise<void> {
  if (!MODEL_ID.test(model))
    throw new DomainError('BAD_REQUEST', 'model must be provider/model, e.g. anthropic/claude-sonnet-4-5');
  if (!driver) return;
  try {
    await driver.server.ready();
  } catch {
    return; // opencode is down: the task says so when it starts, the hire need not fail for it
  }
  const { models } = driver.server.info();
  if (!models.includes(model)) throw new DomainError('BAD_REQUEST', unknownModel(model, models));
}
