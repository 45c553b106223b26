// Tasks for the agents: assign, list, stop (admin or whoever assigned it), the full worker log, and review, merge
// and discard of a task's git branch.
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { agentNameSchema, assignInputSchema } from '../../agents/schemas';
import { taskStatuses } from '../../db/schema-agents';
import { auditedAuthedProcedure } from '../audited';
import { adminProcedure, authedProcedure } from '../init';
import { taskUpdateStream } from './task-streams';

const taskIdSchema = z
  .number({ error: 'id must be a task id (a positive integer)' })
  .int('id must be a task id (a positive integer)')
  .positive('id must be a task id (a positive integer)');

export const tasksRouter = {
  list: authedProcedure
    .input(
      z
        .object({
          employee: agentNameSchema.optional(),
          status: z
            .array(z.enum(taskStatuses, { error: `status must be one of ${taskStatuses.join(', ')}` }))
            .optional(),
          limit: z
            .number()
            .int()
            .min(1, 'limit must be at least 1')
            .max(500, 'limit must be at most 500')
            .optional(),
        })
        .default({}),
    )
    .query(({ ctx, input }) =>
      ctx.services.agents.listTasks({ agent: input.employee, statuses: input.status, limit: input.limit }),
    ),

  assign: authedProcedure
    .input(assignInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.assign(input, ctx.user)),

  // Admin or the assigner: checked in the service, which knows who assigned the running task.
  stop: auditedAuthedProcedure
    .input(z.object({ employee: agentNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.agents.stopTask(input.employee, ctx.user)),

  log: authedProcedure
    .input(
      z.object({
        id: taskIdSchema,
        after: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000, 'limit must be at most 5000').default(1000),
      }),
    )
    .query(({ ctx, input }) => ctx.services.agents.taskLog(input.id, input.after, input.limit)),

  status: authedProcedure.query(({ ctx }) => ctx.services.agents.status()),

  /** Answers a working agent's question (text or an option's number) or permission ask (allow, always, deny …). */
  answer: authedProcedure
    .input(
      z.object({
        askId: z.string().trim().min(1, 'askId is empty').max(100, 'askId is too long'),
        answer: z
          .string()
          .trim()
          .min(1, 'the answer is empty')
          .max(2000, 'the answer must be at most 2000 characters'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const ask = await ctx.services.agents.answerAsk(input.askId, input.answer, ctx.user);
      return { askId: ask.askId, taskId: ask.task.id, answer: ask.answer, by: ask.answeredBy };
    }),

  /** Prompts a finished or interrupted task's opencode session again, as a new task (admin or the assigner). */
  continue: authedProcedure
    .input(
      z.object({
        id: taskIdSchema,
        text: z.string().trim().min(1).max(2000, 'the text must be at most 2000 characters').optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.agents.continueTask(input.id, ctx.user, input.text)),

  /** A task's changes on its branch against the base, per file (the assigner or an admin). */
  diff: authedProcedure
    .input(z.object({ id: taskIdSchema }))
    .query(({ ctx, input }) => ctx.services.agents.taskDiff(input.id, ctx.user)),

  /** Merges a task's branch into its base; a conflict is CONFLICT naming the files (the assigner or an admin). */
  merge: auditedAuthedProcedure
    .input(z.object({ id: taskIdSchema }))
    .mutation(({ ctx, input }) => ctx.services.agents.mergeTask(input.id, ctx.user)),

  /** Drops a task's branch and its worktree (the assigner or an admin). */
  discard: auditedAuthedProcedure
    .input(z.object({ id: taskIdSchema }))
    .mutation(({ ctx, input }) => ctx.services.agents.discardTask(input.id, ctx.user)),

  /** For admins: the coding agent tasks run on (opencode's state, version, models, last error). */
  worker: adminProcedure.query(({ ctx }) => ctx.services.agents.workerInfo()),

  /** A task's stored timeline (the task card's history); live updates come from onUpdate. */
  timeline: authedProcedure
    .input(
      z.object({
        taskId: taskIdSchema,
        after: z.number().int().min(0, 'after must be a timeline id (0 or more)').default(0),
        limit: z.number().int().min(1).max(1000, 'limit must be at most 1000').default(500),
      }),
    )
    .query(({ ctx, input }) => ctx.services.agents.taskTimeline(input.taskId, input.after, input.limit)),

  /** Timeline updates in id order: stored ones after lastEventId, then live; only one task's with taskId. */
  onUpdate: authedProcedure
    .input(
      z
        .object({
          taskId: taskIdSchema.optional(),
          lastEventId: z
            .string()
            .regex(/^\d{1,15}$/, 'lastEventId must be the id of a timeline update (digits)')
            .nullish(),
        })
        .default({}),
    )
    .subscription(({ ctx, input, signal }) => taskUpdateStream(ctx.services, ctx.connection, input, signal)),
} satisfies TRPCRouterRecord;
