// Audit: admins read the log of admin actions, newest first, a page at a time.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../init';

export const auditListInputSchema = z
  .object({
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    action: z.string().min(1).max(100).optional(),
    actor: z.string().min(1).max(100).optional(),
  })
  .default({ limit: 50 });

export const auditRouter = {
  list: adminProcedure.input(auditListInputSchema).query(async ({ ctx, input }) => {
    const entries = await ctx.services.audit.list({
      before: input.cursor ?? null,
      limit: input.limit + 1,
      action: input.action,
      actor: input.actor,
    });
    const hasMore = entries.length > input.limit;
    const page = hasMore ? entries.slice(0, input.limit) : entries;
    return { entries: page, nextCursor: hasMore ? (page[page.length - 1]?.id ?? null) : null };
  }),
} satisfies TRPCRouterRecord;
