// The typed contract as a developer building on AppRouter sees it: procedure names, inputs and outputs are real
// types (never `any`), and misuse does not compile. Checked by `tsc --noEmit` in `npm test`: expectTypeOf and the
// expected-error directives below are compile-time only.
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter } from '../../../src/server/trpc/root';
import type { Message, MessageBatch, Origin, SenderKind } from '../../../src/shared/message';

type In = inferRouterInputs<AppRouter>;
type Out = inferRouterOutputs<AppRouter>;
type Client = TRPCClient<AppRouter>;

describe('the typed contract (compile-time)', () => {
  it('types a message exactly as DESIGN.md describes it', () => {
    expectTypeOf<Message['id']>().toEqualTypeOf<number>();
    expectTypeOf<Message['mentions']>().toEqualTypeOf<string[]>();
    expectTypeOf<Message['replyTo']>().toEqualTypeOf<number | null>();
    expectTypeOf<Message['command']>().toEqualTypeOf<string | null>();
    expectTypeOf<SenderKind>().toEqualTypeOf<'user' | 'agent' | 'system'>();
    // 'import': history brought over from the Python version (issue 20).
    expectTypeOf<Origin>().toEqualTypeOf<
      'websocket' | 'telegram' | 'legacy' | 'api' | 'agent' | 'system' | 'import'
    >();
  });

  it('types chat inputs and outputs', () => {
    expectTypeOf<In['chat']['send']>().toExtend<{ text: string; replyTo?: number | null }>();
    expectTypeOf<Out['chat']['send']>().toEqualTypeOf<Message>();
    expectTypeOf<Out['chat']['history']['messages']>().toEqualTypeOf<Message[]>();
    expectTypeOf<Out['chat']['history']['nextCursor']>().toEqualTypeOf<number | null>();
    expectTypeOf<Extract<In['chat']['history'], object>['after']>().toEqualTypeOf<
      number | null | undefined
    >();
    expectTypeOf<Out['chat']['thread']['replies']>().toEqualTypeOf<Message[]>();
    expectTypeOf<Out['chat']['thread']['olderCursor']>().toEqualTypeOf<number | null>();
    expectTypeOf<Out['communication']['switch']['type']>().toEqualTypeOf<'websocket' | 'telegram'>();
    expectTypeOf<In['communication']['switch']['transport']>().toEqualTypeOf<'websocket' | 'telegram'>();
  });

  it('gives a client typed calls and typed subscription batches, and refuses misuse at compile time', () => {
    expectTypeOf<Client['chat']['send']['mutate']>().returns.resolves.toEqualTypeOf<Message>();
    expectTypeOf<Client['chat']['onMessage']['subscribe']>()
      .parameter(1)
      .toHaveProperty('onData')
      .exclude<undefined>()
      .parameter(0)
      .toEqualTypeOf<{ id: string; data: MessageBatch }>();
    // Each line below would be a compile error: a misspelt procedure, a wrong input type, an unknown transport.
    // @ts-expect-error there is no chat.post
    expectTypeOf<Client['chat']>().toHaveProperty('post');
    // @ts-expect-error text must be a string
    expectTypeOf<Client['chat']['send']['mutate']>().toBeCallableWith({ text: 42 });
    type Switch = Client['communication']['switch']['mutate'];
    // @ts-expect-error the transports are websocket and telegram
    expectTypeOf<Switch>().toBeCallableWith({ transport: 'carrier-pigeon' });
  });
});
