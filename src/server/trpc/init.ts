// tRPC set-up, in the create-t3-app shape: 1. context type, 2. initialisation, 3. procedures by who may call them.
import { initTRPC, TRPCError } from '@trpc/server';
import { DomainError } from '../domain-error';
import type { Context } from './context';
import { errorData, humanMessage } from './errors';

/** 1. CONTEXT: built per ws connection / HTTP request in ./context.ts. */

/** 2. INITIALISATION: domain errors carry extra data (retryAfterMs) to the client. */
const t = initTRPC.context<Context>().create({
  // Stack traces stay on the server unless explicitly developing.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    return { ...shape, message: humanMessage(error), data: { ...shape.data, ...errorData(error) } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** 3. PROCEDURES */
type Result = Awaited<ReturnType<Parameters<Parameters<typeof t.middleware>[0]>[0]['next']>>;

/** Domain errors (DomainError) become TRPCErrors with their code; everything else passes through. */
function mapDomainErrors<R extends Result>(result: R): R {
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
}

/** Anyone, signed in or not (health). */
export const publicProcedure = t.procedure.use(async ({ next }) => mapDomainErrors(await next()));

/** A signed-in person; `ctx.user` is set. One middleware (auth + error mapping): each level costs on the hot path. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'sign in first' });
  return mapDomainErrors(await next({ ctx: { user: ctx.user } }));
});

/** Admins only (in open mode everyone is one). */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin')
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `only admins may do this; ${ctx.user.id} is a ${ctx.user.role}`,
    });
  return next();
});
