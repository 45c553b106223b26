// Health: is the server up and can it reach its database. Public, for load balancers and probes.
import { publicProcedure } from '../init';

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  const { repo, communication, startedAt } = ctx.services;
  const lastMessageId = await repo.lastMessageId();
  return {
    status: 'ok' as const,
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    transport: communication.type,
    database: { ok: true, lastMessageId },
    websocket: { connections: communication.info().transports.websocket.connections },
    time: new Date().toISOString(),
  };
});
