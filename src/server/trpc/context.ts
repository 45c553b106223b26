// Builds the per-connection (ws) or per-request (HTTP) context. Never throws: auth failures become `authError`.
import type { IncomingMessage } from 'node:http';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import type { WebSocket } from 'ws';
import { isDirectLoopback, isOperator } from '../access/operator';
import { type AuthResult, authenticate, type User } from '../auth';
import { reservedNameMessage } from '../hub/reserved-names';
import type { Services } from '../services';

export interface Connection {
  kind: 'websocket' | 'http';
  /** Unsent bytes in the socket's buffer (0 for HTTP). */
  bufferedAmount(): number;
  /** Drops the connection at once; a ws client reconnects and resumes by lastEventId. */
  terminate(reason: string): void;
}

export interface Context {
  services: Services;
  user: User | null;
  authError: string | null;
  connection: Connection | null;
  /**
   * May see how the server runs (detailed health): see access/operator.ts. Unset (a caller built in process, as
   * in tests) means: if an admin.
   */
  operator?: boolean;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

export async function createHTTPContext(services: Services, req: IncomingMessage): Promise<Context> {
  const userHeader = req.headers['x-user-id'];
  const auth = await authenticate(services.config.AUTH_SECRET, {
    token: bearerToken(req),
    userId: Array.isArray(userHeader) ? userHeader[0] : userHeader,
  });
  const { user, error } = refuseRevoked(services, auth);
  const operator = isOperator(services.config, user, {
    bearer: bearerToken(req),
    directLoopback: isDirectLoopback(req),
  });
  return { services, user, authError: error, connection: null, operator };
}

/** WebSockets whose upgrade request came straight from this machine (set by the upgrade, read by the context). */
const directSockets = new WeakSet<WebSocket>();

export function noteUpgradeRequest(socket: WebSocket, req: IncomingMessage): void {
  if (isDirectLoopback(req)) directSockets.add(socket);
}

/**
 * A valid token of a user an admin revoked is refused like a bad one (only possible in token mode); so is any
 * sign-in under an agent's name (a token whose sub is one, or a name chosen in open mode).
 */
function refuseRevoked(services: Services, auth: AuthResult): AuthResult {
  if (!auth.user) return auth;
  const id = auth.user.id;
  if (services.revoked.has(id)) return { user: null, error: `access revoked: ${id} was removed by an admin` };
  if (services.hub.reservedNames.has(id))
    return {
      user: null,
      error: services.config.AUTH_SECRET
        ? `token refused: ${id} is the name of an AI employee; ask an admin for a token with another user id`
        : reservedNameMessage(id),
    };
  return auth;
}

export function httpContextFactory(services: Services) {
  return ({ req }: CreateHTTPContextOptions) => createHTTPContext(services, req);
}

/** What a procedure may do to the WebSocket it was called on; one small object per connection. */
class SocketConnection implements Connection {
  readonly kind = 'websocket';

  constructor(
    private readonly socket: WebSocket,
    private readonly services: Services,
    private readonly userId: string | undefined,
  ) {}

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  terminate(reason: string): void {
    this.services.logger.warn({ user: this.userId, reason }, 'terminating websocket connection');
    this.socket.terminate();
  }
}

export function wsContextFactory(services: Services) {
  return async (
    socket: WebSocket,
    connectionParams: Record<string, string | undefined> | null,
  ): Promise<Context> => {
    const params = connectionParams ?? {};
    let auth = refuseRevoked(
      services,
      await authenticate(services.config.AUTH_SECRET, { token: params.token, userId: params.userId }),
    );
    if (auth.user && socket.readyState === socket.OPEN) {
      const admitted = services.connections.admitUser(auth.user.id, socket);
      if (admitted.ok) {
        const leave = services.hub.presence.connect(auth.user.id);
        // on, not once: 'close' fires once anyway, and once() costs a wrapper per connection.
        socket.on('close', () => {
          admitted.release();
          leave();
        });
      } else {
        // Closed rather than answered: an extra connection must not hold server resources. 1008 = policy.
        services.logger.warn({ user: auth.user.id }, 'websocket refused: too many connections for this user');
        socket.close(1008, admitted.reason);
        auth = { user: null, error: admitted.reason };
      }
    }
    return {
      services,
      user: auth.user,
      authError: auth.error,
      connection: new SocketConnection(socket, services, auth.user?.id),
      operator: isOperator(services.config, auth.user, { directLoopback: directSockets.has(socket) }),
    };
  };
}
