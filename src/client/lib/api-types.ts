// Types of what the API returns and takes, inferred from the server's router (types only: no server code is bundled).
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/trpc/root';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type Task = RouterOutputs['tasks']['list'][number];
export type TaskStatus = Task['status'];
export type Smartness = NonNullable<RouterInputs['employees']['hire']['smartness']>;

export const SMARTNESS: Smartness[] = ['normal', 'smart'];
export const ACTIVE_TASK: TaskStatus[] = ['queued', 'running', 'stuck'];
