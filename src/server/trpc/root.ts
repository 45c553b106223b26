// The root router: one line per domain.
import { createCallerFactory, createTRPCRouter } from './init';
import { auditRouter } from './routers/audit';
import { chatRouter } from './routers/chat';
import { communicationRouter } from './routers/communication';
import { employeesRouter } from './routers/employees';
import { healthProcedure } from './routers/health';
import { presenceRouter } from './routers/presence';
import { tasksRouter } from './routers/tasks';
import { usersRouter } from './routers/users';

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  chat: chatRouter,
  presence: presenceRouter,
  communication: communicationRouter,
  employees: employeesRouter,
  tasks: tasksRouter,
  audit: auditRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
