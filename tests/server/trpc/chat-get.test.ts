// chat.get: the lookup behind quote previews of messages whose page the client has not loaded (issue 14).
import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import { callerFor, createTestServices } from '../../helpers/services';

let services: Services;
beforeEach(async () => {
  services = await createTestServices({ RATE_LIMIT_PER_SECOND: '0' });
});
afterEach(async () => {
  await services.repo.close();
});

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  throw new Error('expected an error');
};

describe('chat.get', () => {
  it('returns the asked messages in id order, once each, however old they are', async () => {
    const alice = callerFor(services);
    const bob = callerFor(services, { id: 'bob', role: 'user' });
    await alice.chat.send({ text: 'the very first question\nwith a second line' });
    for (let i = 0; i < 330; i++) await bob.chat.send({ text: `filler ${i}` });

    const found = await bob.chat.get({ ids: [300, 1, 300] });

    expect(found.map((m) => [m.id, m.sender, m.text])).toEqual([
      [1, 'alice', 'the very first question\nwith a second line'],
      [300, 'bob', 'filler 298'],
    ]);
  });

  it('leaves out ids that do not exist instead of failing the whole lookup', async () => {
    const caller = callerFor(services);
    await caller.chat.send({ text: 'only one' });
    expect((await caller.chat.get({ ids: [1, 2, 99] })).map((m) => m.id)).toEqual([1]);
  });

  it.each([
    ['no ids', { ids: [] }, 'ids is empty'],
    ['a negative id', { ids: [-1] }, 'message id'],
    ['more than 100 ids', { ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 'smaller batches'],
  ])('refuses %s with BAD_REQUEST and a message saying what to change', async (_name, input, text) => {
    const error = await failure(callerFor(services).chat.get(input));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(text);
  });

  it('answers only signed-in callers', async () => {
    const error = await failure(callerFor(services, null).chat.get({ ids: [1] }));
    expect(error.code).toBe('UNAUTHORIZED');
  });
});
