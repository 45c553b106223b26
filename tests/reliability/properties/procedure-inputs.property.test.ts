// Property tests for every procedure's input schema: arbitrary JSON never crashes a schema or a procedure; it is
// accepted or refused with BAD_REQUEST (or a domain answer), never INTERNAL_SERVER_ERROR.
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/server/services';
import { appRouter } from '../../../src/server/trpc/root';
import { callerFor, createTestServices } from '../../helpers/services';

interface Parser {
  safeParse?: (value: unknown) => { success: boolean; data?: unknown };
}
type ProcedureDef = { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: Parser[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>);

/** JSON values plus the shapes procedures expect with hostile field values, so some get past the outer object. */
const fields = ['text', 'replyTo', 'cursor', 'limit', 'lastEventId', 'isTyping', 'transport', 'name', 'role'];
const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom(...fields, 'employee', 'description', 'id', 'user', 'smartness', 'after'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  fc.record({
    text: fc.string({ maxLength: 5000 }),
    replyTo: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
  }),
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 64, '', [], {}),
);

let services: Services;
beforeAll(async () => {
  services = await createTestServices({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(async () => {
  await services.agents.stop();
  await services.repo.close();
});

describe('procedure input schemas', () => {
  it('are defined for every procedure that takes input', () => {
    expect(procedures.length).toBeGreaterThan(20);
  });

  it.each(procedures.filter(([, p]) => p._def.inputs.length > 0))(
    '%s: safeParse never throws and what it accepts parses again to the same value',
    (_path, procedure) => {
      fc.assert(
        fc.property(hostile, (value) => {
          for (const parser of procedure._def.inputs) {
            const first = parser.safeParse?.(value);
            if (!first?.success) return;
            const second = parser.safeParse?.(first.data);
            expect(second?.success).toBe(true);
            expect(second?.data).toEqual(first.data);
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it.each(procedures.filter(([, p]) => p._def.type !== 'subscription'))(
    '%s: answers arbitrary input with a result or a client error, never an internal one',
    async (path) => {
      // An admin caller, so input validation is what runs (not the auth refusal).
      const caller = callerFor(services, { id: 'fuzzer', role: 'admin' }) as unknown as Record<
        string,
        unknown
      >;
      // The caller mirrors the router: `caller.chat.send(input)`, `caller.health(input)`.
      let target: unknown = caller;
      for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
      const call = target as (input: unknown) => Promise<unknown>;
      const outcomes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(hostile, async (value) => {
          try {
            await call(value);
            outcomes.add('ok');
          } catch (error) {
            expect(error).toBeInstanceOf(TRPCError);
            expect((error as TRPCError).code).not.toBe('INTERNAL_SERVER_ERROR');
            outcomes.add((error as TRPCError).code);
          }
        }),
        { numRuns: 60 },
      );
      // The calls really ran: a procedure with input refused some of it, one without answered.
      expect(outcomes.size).toBeGreaterThan(0);
      if (procedures.find(([p]) => p === path)?.[1]._def.inputs.length)
        expect(outcomes).toContain('BAD_REQUEST');
      else expect(outcomes).toContain('ok');
    },
  );
});
