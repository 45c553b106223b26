// REST compatibility routes (curl, old scripts): thin wrappers calling the same procedures via createCaller.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Services } from '../services';
import { createHTTPContext } from '../trpc/context';
import { errorData, humanMessage } from '../trpc/errors';
import { createCaller } from '../trpc/root';
import { reportError } from './error-report';
import { BodyError, readJsonBody, sendJson } from './json';

type Caller = ReturnType<typeof createCaller>;

/** A route result answered with a status other than 200. */
class WithStatus {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
type Route = (caller: Caller, req: IncomingMessage, params: Record<string, string>) => Promise<unknown>;

const field = (body: unknown, ...names: string[]): unknown => {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const name of names) if (name in body) return (body as Record<string, unknown>)[name];
  return undefined;
};

const routes: Record<string, Route> = {
  'GET /health': async (caller, req) => {
    const report = await caller.health();
    // Probes that act on the status code (docker, load balancers) ask with ?strict=1.
    const strict = ['1', 'true'].includes(
      new URL(req.url ?? '/', 'http://localhost').searchParams.get('strict') ?? '',
    );
    return strict && report.status !== 'healthy' ? new WithStatus(503, report) : report;
  },
  'GET /status': async (caller) => ({
    health: await caller.health(),
    communication: await caller.communication.info(),
    presence: await caller.presence.list(),
    // Agents: statuses, running tasks and the queue.
    ...(await caller.tasks.status()),
  }),
  'GET /communication/info': (caller) => caller.communication.info(),
  'GET /communication/stats': (caller) => caller.communication.stats(),
  'POST /communication/switch': async (caller, req) => {
    const body = await readJsonBody(req);
    const transport = field(body, 'transport_type', 'transport');
    const info = await caller.communication.switch({ transport: transport as 'websocket' });
    return { success: true, transport: info.type, info };
  },
  'GET /employees': (caller) => caller.employees.list(),
  'POST /employees': async (caller, req) => {
    const body = await readJsonBody(req);
    const agent = await caller.employees.hire({
      name: field(body, 'name') as string,
      role: field(body, 'role') as string,
      smartness: field(body, 'smartness') as 'normal',
    });
    return { success: true, employee: agent };
  },
  'DELETE /employees/:name': async (caller, _req, params) => ({
    success: true,
    ...(await caller.employees.fire({ name: params.name as string })),
  }),
  'POST /tasks': async (caller, req) => {
    const body = await readJsonBody(req);
    const assigned = await caller.tasks.assign({
      employee: field(body, 'name', 'employee') as string,
      description: field(body, 'task', 'description') as string,
      model: field(body, 'model') as string | undefined,
      mode: field(body, 'mode') as string | undefined,
    });
    return { success: true, ...assigned };
  },
  'DELETE /tasks/:name': async (caller, _req, params) => ({
    success: true,
    task: await caller.tasks.stop({ employee: params.name as string }),
  }),
};

/** Matches "METHOD /a/:b" keys against a request; `:name` segments become decoded params. */
function match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
  const segments = path.split('/');
  for (const [key, route] of Object.entries(routes)) {
    const [routeMethod, pattern = ''] = key.split(' ');
    const parts = pattern.split('/');
    if (routeMethod !== method || parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return part === segment;
    });
    if (ok) return { route, params };
  }
  return null;
}

/** Returns false when no REST route matches, so the caller can try static files. */
export async function handleRest(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  const found = match(req.method ?? 'GET', path);
  if (!found) return false;
  try {
    const caller = createCaller(await createHTTPContext(services, req));
    const result = await found.route(caller, req, found.params);
    if (result instanceof WithStatus) sendJson(res, result.status, result.body);
    else sendJson(res, 200, result);
  } catch (error) {
    sendError(services, res, error);
  }
  return true;
}

function sendError(services: Services, res: ServerResponse, error: unknown): void {
  if (error instanceof BodyError) {
    sendJson(res, error.status, { error: { code: 'BAD_REQUEST', message: error.message } });
    return;
  }
  const trpcError =
    error instanceof TRPCError
      ? error
      : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
  const status = getHTTPStatusCodeFromError(trpcError);
  reportError(services, trpcError, { err: error }, 'REST route failed');
  sendJson(res, status, {
    error: { code: trpcError.code, message: humanMessage(trpcError), ...errorData(trpcError) },
  });
}
