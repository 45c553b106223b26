// The auth matrix: every procedure of the root router, the outcome each kind of caller must get, and a runner
// that calls each procedure for real (tRPC over WebSocket and over HTTP) and formats the result as a table.
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { App } from '../../src/server/app';
import type { AppRouter } from '../../src/server/trpc/root';
import { appRouter } from '../../src/server/trpc/root';
import { connectClient, type TestClient } from '../helpers/server';
import { agentsRepositoryFor } from '../helpers/storage';

export const CREDENTIALS = ['none', 'user', 'admin', 'forged', 'expired', 'fired'] as const;
export type Credential = (typeof CREDENTIALS)[number];
export type Outcome = 'ok' | 'UNAUTHORIZED' | 'FORBIDDEN' | string;
export type Access = 'public' | 'authed' | 'admin' | 'admin-or-assigner';

type Kind = 'query' | 'mutation' | 'subscription';

export interface ProcedureCase {
  path: string;
  access: Access;
  /** Makes a fresh valid input (and whatever state the call needs) so only auth decides the outcome. */
  input: (app: App) => Promise<unknown> | unknown;
  /**
   * What a caller auth lets through gets, when the state the call needs cannot be built here (default 'ok').
   * tasks.answer needs an opencode question open at that moment; the matrix runs command workers, so an allowed
   * caller reaches the service and hears NOT_FOUND, while a refused one is stopped before with 401/403.
   */
  reached?: Outcome;
}

/** What each kind of caller must get, by access level. A fired user's token is valid but revoked. */
export function expected(access: Access, credential: Credential, reached: Outcome = 'ok'): Outcome {
  if (access === 'public') return reached;
  if (credential === 'none' || credential === 'forged' || credential === 'expired' || credential === 'fired')
    return 'UNAUTHORIZED';
  if (credential === 'admin') return reached;
  // A plain user: admin-only procedures refuse in middleware; tasks.stop and tasks.continue refuse in the
  // service (the tasks in the matrix were assigned by the admin, so this user is not their assigner).
  return access === 'authed' ? reached : 'FORBIDDEN';
}

export const STOPPER = 'stopper';
export const WORKER = 'worker';
const ROOT = { id: 'root', role: 'admin' as const };
let serial = 0;

/** A running task of STOPPER assigned by the admin, started if there is none; returns its id. */
async function runningTask(app: App): Promise<number> {
  const agents = app.services.agents;
  const running = async () => (await agents.listTasks({ agent: STOPPER, statuses: ['running'] }))[0];
  if (!(await running()))
    await agents.assign({ employee: STOPPER, description: 'matrix: run until stopped' }, ROOT);
  let task = await running();
  const started = Date.now();
  while (!task) {
    if (Date.now() - started > 10_000) throw new Error('the matrix task did not start');
    await new Promise((r) => setTimeout(r, 20));
    task = await running();
  }
  return task.id;
}

export const CONTINUER = 'continuer';

/** A finished task of CONTINUER with an opencode session, assigned by the admin: what tasks.continue needs. */
async function finishedTaskWithSession(app: App): Promise<number> {
  const tasks = agentsRepositoryFor(app.services.repo);
  const task = await tasks.createTask({
    employee: CONTINUER,
    description: `matrix: finished ${++serial}`,
    model: '',
    mode: 'build',
    assignedBy: ROOT.id,
    messageId: null,
    sessionId: `ses_matrix${serial}`,
  });
  const at = new Date().toISOString();
  await tasks.updateTask(task.id, { status: 'done', startedAt: at, finishedAt: at });
  return task.id;
}

/** A fresh message posted by a third person (neither the matrix's user nor its admin). */
async function thirdPartyMessage(app: App): Promise<number> {
  const message = await app.services.hub.post(
    { text: `matrix: third party ${++serial}`, sender: 'third-party', senderKind: 'user' },
    'api',
  );
  return message.id;
}

export const CASES: ProcedureCase[] = [
  { path: 'health', access: 'public', input: () => undefined },
  { path: 'chat.send', access: 'authed', input: () => ({ text: `matrix ${++serial}` }) },
  { path: 'chat.history', access: 'authed', input: () => ({ limit: 5 }) },
  { path: 'chat.onMessage', access: 'authed', input: () => ({}) },
  { path: 'chat.setTyping', access: 'authed', input: () => ({ isTyping: false }) },
  { path: 'chat.onActivity', access: 'authed', input: () => undefined },
  { path: 'chat.get', access: 'authed', input: () => ({ ids: [1, 2] }) },
  { path: 'chat.commands', access: 'authed', input: () => undefined },
  { path: 'chat.search', access: 'authed', input: () => ({ query: 'matrix' }) },
  { path: 'chat.around', access: 'authed', input: async (app) => ({ id: await thirdPartyMessage(app) }) },
  { path: 'chat.thread', access: 'authed', input: async (app) => ({ root: await thirdPartyMessage(app) }) },
  {
    path: 'chat.react',
    access: 'authed',
    input: async (app) => ({ id: await thirdPartyMessage(app), emoji: '👍', on: true }),
  },
  // Someone else's message: nobody may edit it (an admin neither); only an admin may delete it.
  {
    path: 'chat.edit',
    access: 'authed',
    reached: 'FORBIDDEN',
    input: async (app) => ({ id: await thirdPartyMessage(app), text: 'matrix: edited' }),
  },
  {
    path: 'chat.delete',
    access: 'admin-or-assigner',
    input: async (app) => ({ id: await thirdPartyMessage(app) }),
  },
  { path: 'presence.list', access: 'authed', input: () => undefined },
  { path: 'communication.info', access: 'authed', input: () => undefined },
  { path: 'communication.stats', access: 'authed', input: () => undefined },
  { path: 'communication.switch', access: 'admin', input: () => ({ transport: 'websocket' }) },
  { path: 'employees.list', access: 'authed', input: () => undefined },
  { path: 'employees.hire', access: 'admin', input: () => ({ name: `hire-${++serial}`, role: 'tester' }) },
  {
    path: 'employees.fire',
    access: 'admin',
    input: async (app) => {
      const name = `fire-${++serial}`;
      await app.services.agents.hire({ name, role: 'tester', smartness: 'normal' }, 'root');
      return { name };
    },
  },
  { path: 'tasks.list', access: 'authed', input: () => ({ limit: 5 }) },
  { path: 'tasks.assign', access: 'authed', input: () => ({ employee: WORKER, description: 'matrix task' }) },
  {
    path: 'tasks.stop',
    access: 'admin-or-assigner',
    input: async (app) => {
      await runningTask(app);
      return { employee: STOPPER };
    },
  },
  { path: 'tasks.log', access: 'authed', input: async (app) => ({ id: await runningTask(app) }) },
  { path: 'tasks.status', access: 'authed', input: () => undefined },
  { path: 'tasks.timeline', access: 'authed', input: async (app) => ({ taskId: await runningTask(app) }) },
  { path: 'tasks.onUpdate', access: 'authed', input: () => ({}) },
  { path: 'tasks.worker', access: 'admin', input: () => undefined },
  {
    path: 'tasks.answer',
    access: 'authed',
    reached: 'NOT_FOUND',
    input: () => ({ askId: `que_matrix${++serial}`, answer: 'yes' }),
  },
  {
    path: 'tasks.continue',
    access: 'admin-or-assigner',
    input: async (app) => ({ id: await finishedTaskWithSession(app), text: 'matrix: go on' }),
  },
  // A finished task without a branch: the admin reaches the check of its branch; a user is not its assigner.
  ...(['tasks.diff', 'tasks.merge', 'tasks.discard'] as const).map((path) => ({
    path,
    access: 'admin-or-assigner' as const,
    reached: 'PRECONDITION_FAILED',
    input: async (app: App) => ({ id: await finishedTaskWithSession(app) }),
  })),
  { path: 'audit.list', access: 'admin', input: () => ({ limit: 5 }) },
  { path: 'users.revoked', access: 'admin', input: () => undefined },
  { path: 'users.revoke', access: 'admin', input: () => ({ user: `gone-${++serial}` }) },
  { path: 'users.restore', access: 'admin', input: () => ({ user: 'nobody-revoked' }) },
  { path: 'users.markRead', access: 'authed', input: () => ({ upTo: 1 }) },
  { path: 'users.readState', access: 'authed', input: () => undefined },
];

/** Every procedure of the root router with its kind: the matrix must cover exactly these. */
export function routerProcedures(): Map<string, Kind> {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: Kind } }>;
  return new Map(Object.entries(procedures).map(([path, p]) => [path, p._def.type]));
}

const codeOf = (error: unknown): Outcome =>
  error instanceof TRPCClientError ? String(error.data?.code ?? error.message) : String(error);

/** Resolves a dotted path to the client's procedure object (`client.chat.send`). */
function procedureOf(client: unknown, path: string): Record<string, (...args: unknown[]) => unknown> {
  let node = client as Record<string, unknown>;
  for (const part of path.split('.')) node = node[part] as Record<string, unknown>;
  return node as Record<string, (...args: unknown[]) => unknown>;
}

/** A subscription counts as allowed once the server says it started; refused ones end with an error. */
function subscribeOnce(
  proc: Record<string, (...args: unknown[]) => unknown>,
  input: unknown,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const sub = proc.subscribe?.(input, {
      onStarted: () => {
        resolve('ok');
        (sub as { unsubscribe(): void }).unsubscribe();
      },
      onError: (error: unknown) => resolve(codeOf(error)),
    });
  });
}

export async function call(client: unknown, path: string, kind: Kind, input: unknown): Promise<Outcome> {
  const proc = procedureOf(client, path);
  if (kind === 'subscription') return subscribeOnce(proc, input);
  try {
    await (kind === 'query' ? proc.query?.(input) : proc.mutate?.(input));
    return 'ok';
  } catch (error) {
    return codeOf(error);
  }
}

export interface Cell {
  path: string;
  credential: Credential;
  transport: 'ws' | 'http';
  expected: Outcome;
  actual: Outcome;
}

/** Runs every case for every credential over both transports (subscriptions: WebSocket only). */
export async function runMatrix(app: App, tokens: Record<Credential, string | null>): Promise<Cell[]> {
  const kinds = routerProcedures();
  const cells: Cell[] = [];
  const wsClients: TestClient[] = [];
  try {
    for (const credential of CREDENTIALS) {
      const token = tokens[credential];
      const ws = connectClient(app.wsUrl, token ? { token } : {});
      wsClients.push(ws);
      const http = createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${app.httpUrl}/trpc`,
            headers: token ? { authorization: `Bearer ${token}` } : {},
          }),
        ],
      });
      for (const c of CASES) {
        const kind = kinds.get(c.path);
        if (!kind) throw new Error(`${c.path} is not a procedure of the root router`);
        const want = expected(c.access, credential, c.reached);
        cells.push({
          path: c.path,
          credential,
          transport: 'ws',
          expected: want,
          actual: await call(ws.trpc, c.path, kind, await c.input(app)),
        });
        if (kind !== 'subscription')
          cells.push({
            path: c.path,
            credential,
            transport: 'http',
            expected: want,
            actual: await call(http, c.path, kind, await c.input(app)),
          });
      }
    }
  } finally {
    await Promise.all(wsClients.map((c) => c.close()));
  }
  return cells;
}

const short = (o: Outcome) =>
  o === 'ok' ? 'ok' : o === 'UNAUTHORIZED' ? '401' : o === 'FORBIDDEN' ? '403' : o;

/** A markdown table: one row per procedure, one column per credential, "ws/http" in each cell. */
export function formatMatrix(cells: Cell[]): string {
  const header = `| procedure | ${CREDENTIALS.join(' | ')} |`;
  const rule = `|---|${CREDENTIALS.map(() => '---').join('|')}|`;
  const rows = CASES.map((c) => {
    const row = CREDENTIALS.map((credential) => {
      const mine = cells.filter((x) => x.path === c.path && x.credential === credential);
      const text = mine.map(
        (x) => `${short(x.actual)}${x.actual === x.expected ? '' : ` (want ${short(x.expected)})`}`,
      );
      return text.join(' / ');
    });
    return `| ${c.path} | ${row.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
