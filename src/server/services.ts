// The long-lived parts a request can reach, built once by app.ts (or by a test) and handed to every context.
import type { Logger } from 'pino';
import type { RevokedUsers } from './access/revoked-users';
import type { AgentsService } from './agents/agents-service';
import type { Config } from './config';
import type { AuditRepository } from './db/audit-repository';
import type { ReadPositionsRepository } from './db/read-positions';
import type { Repository } from './db/repository';
import type { ConnectionLimits } from './http/connection-limits';
import type { Hub } from './hub/hub';
import type { SendLimiter } from './hub/rate-limiter';
import type { Metrics } from './metrics';
import type { TransportManager } from './transports/manager';

export interface Services {
  config: Config;
  logger: Logger;
  repo: Repository;
  hub: Hub;
  /** The send limit: a generous bucket per person, a stricter one for scripts and bots. */
  limiter: SendLimiter;
  transports: TransportManager;
  startedAt: Date;
  counters: { errors: number };
  /** Prometheus metrics; transports report deliveries with metrics.observeDelivery. */
  metrics: Metrics;
  /** Audit log of admin actions: services.audit.record({ actor, action, target, details }). */
  audit: AuditRepository;
  /** AI agents: hire/fire, tasks and workers, the mention router and help loop. */
  agents: AgentsService;
  /** People whose access an admin revoked: their tokens are refused. */
  revoked: RevokedUsers;
  /** Open WebSocket connections per IP and per user, and each user's sockets. */
  connections: ConnectionLimits;
  /** Each person's read position and unread counts (users.markRead / users.readState). */
  readPositions: ReadPositionsRepository;
}
