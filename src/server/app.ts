// Composes storage, hub, transports and the HTTP/WebSocket servers; start() and stop() for main.ts and tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { RevokedUsers } from './access/revoked-users';
import { AgentsService } from './agents/agents-service';
import { storedReplyLatency } from './agents/reply-latency';
import type { Config } from './config';
import type { Repository } from './db/repository';
import { openStorage, storageOf } from './db/storage';
import type { WebSocketLocation } from './http/client-config';
import { ConnectionLimits } from './http/connection-limits';
import { OriginPolicy, ownOrigins } from './http/origins';
import { createHttpServer } from './http/server';
import { createWebSocketEndpoint } from './http/websocket';
import { Hub, type HubOptions } from './hub/hub';
import { SendLimiter } from './hub/rate-limiter';
import { createLogger } from './logger';
import { Metrics } from './metrics';
import type { Services } from './services';
import { countedErrors, countingRefusals, StatCounters } from './stat-counters';
import { TransportManager } from './transports/manager';

export const DEFAULT_CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/client');

export interface AppOptions {
  logger?: Logger;
  /** A repository the caller opened with openStorage (closed when the app stops); else DATABASE_URL's is opened. */
  repo?: Repository;
  hub?: HubOptions;
  clientDir?: string;
}

/** Everything but the network: what router tests use with createCaller. */
export async function createServices(config: Config, options: AppOptions = {}): Promise<Services> {
  const logger =
    options.logger ??
    createLogger(config.LOG_LEVEL, config.LOG_FILE || null, {
      size: config.LOG_MAX_SIZE,
      files: config.LOG_MAX_FILES,
    });
  const storage = options.repo
    ? storageOf(options.repo)
    : await openStorage(config.DATABASE_URL, {
        logger,
        sqlite: { inlineWriter: config.SQLITE_WRITER === 'inline' },
      });
  const repo = storage.messages;
  const cluster = await storage.connect(logger, (error) =>
    logger.error({ err: error }, 'bus listener failed'),
  );
  const hub = new Hub(repo, cluster.bus, options.hub);
  const connectionsElsewhere = cluster.sharePresence(hub.presence);
  // Refusals and failed calls are stored per hour: the admin statistics keep them across restarts.
  const statsStore = storage.stats;
  const statCounters = new StatCounters(statsStore, logger);
  const countRefusal = () => statCounters.add('rate_limit_hits');
  const limiter = new SendLimiter(
    (burst, perSecond) => countingRefusals(storage.limiter(burst, perSecond), countRefusal),
    {
      person: { burst: config.RATE_LIMIT_BURST, perSecond: config.RATE_LIMIT_PER_SECOND },
      bulk: { burst: config.RATE_LIMIT_BULK_BURST, perSecond: config.RATE_LIMIT_BULK_PER_SECOND },
    },
  );
  const counters = countedErrors(statCounters);
  const startedAt = new Date();
  const agentsRole = storage.leader('agents', logger);
  const agents = new AgentsService({
    config,
    logger,
    hub,
    chat: repo,
    repo: storage.agents,
    dispatch: cluster.dispatch,
    timelineSignal: cluster.timeline,
    fence: () => agentsRole.confirm(),
  });
  await agents.init();
  const telegramRole = storage.leader('telegram', logger);
  const transports = new TransportManager({
    telegramRole,
    settings: cluster.settings,
    // Reply latency from the stored messages (it survives a restart), the rest from the running agents.
    agentStats: async () => ({ ...agents.stats(), responseLatency: await storedReplyLatency(statsStore) }),
    statCounters,
    agentTasks: {
      updates: agents.timeline.updates,
      list: (taskId, after, limit) => agents.timeline.list(taskId, after, limit),
      lastId: () => agents.timeline.lastId(),
      task: (id) =>
        agents.taskTimeline(id, 0, 1).then(
          ({ task }) => task,
          () => null,
        ),
      // A Telegram user answers as the name the bridge posts their messages under, with no admin rights.
      answerAsk: async (askId, answer, by) => {
        const ask = await agents.answerAsk(askId, answer, { id: by, role: 'user' });
        return `Answered: ${ask.answer}`;
      },
      // The same identity for Merge / Discard: the assigner (by that name) may, nobody is an admin from Telegram.
      settleBranch: async (taskId, action, by) => {
        const user = { id: by, role: 'user' as const };
        if (action === 'discard') {
          const { branch } = await agents.discardTask(taskId, user);
          return `Discarded ${branch}.`;
        }
        const merged = await agents.mergeTask(taskId, user);
        return `Merged ${merged.branch} into ${merged.base}${merged.fastForward ? ' (fast-forward)' : ''}.`;
      },
    },
    config,
    repo,
    hub,
    logger,
    store: storage.transports(telegramRole),
    limiter,
    counters,
    startedAt,
    websocketStatus: () => ({ connections: hub.presence.connectionCount, users: hub.presence.onlineUsers() }),
  });
  await transports.init();
  const metrics = new Metrics({
    connections: () => ({
      websocket: hub.presence.connectionCount,
      legacy: transports.legacy.status().connections,
      // Telegram has no client connections: 1 while its bridge is connected to the Bot API.
      telegram: transports.telegram.isConnected() ? 1 : 0,
    }),
    rateLimitHits: () => limiter.hits,
    telegramOutboxDepth: () => (transports.telegram.configured ? transports.outboxDepth() : null),
  });
  hub.onEvent((event) => {
    if (event.type === 'message') metrics.onMessage(event.message);
  });
  const audit = storage.audit;
  // In a cluster a revocation on any instance reaches this one through the settings announcements.
  const revoked = new RevokedUsers(repo, cluster.settings, logger);
  await revoked.load();
  transports.legacy.isRevoked = (user) => revoked.has(user);
  const connections = new ConnectionLimits(
    config.WS_MAX_CONNECTIONS_PER_IP,
    config.WS_MAX_CONNECTIONS_PER_USER,
    connectionsElsewhere,
  );
  // Revoked on another instance: this one's open connections of theirs close too (as users.revoke does there).
  revoked.onRevokedElsewhere((ids) => {
    const online = hub.presence.onlineUsers().filter((u) => ids.includes(u.toLowerCase()));
    for (const user of new Set([...ids, ...online])) {
      connections.dropUser(user, 'access revoked');
      transports.legacy.dropUser(user, 'access revoked');
    }
  });
  // Listens for mentions from here on, and recovers tasks that a restart interrupted.
  // One instance answers mentions and recovers tasks (with several instances, the holder of the agents role).
  await agentsRole.run(
    () => agents.start(),
    () => agents.stop(),
  );
  return {
    config,
    logger,
    repo,
    hub,
    limiter,
    transports,
    startedAt,
    counters,
    metrics,
    audit,
    agents,
    revoked,
    connections,
    readPositions: storage.readPositions,
  };
}

export interface App {
  services: Services;
  httpUrl: string;
  wsUrl: string;
  stop(): Promise<void>;
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });

const close = (server: Server) =>
  new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const services = await createServices(config, options);
  const wsHost = config.WEBSOCKET_HOST ?? config.HOST;
  const samePort = config.WEBSOCKET_PORT === config.PORT && wsHost === config.HOST;
  const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR;

  // The HTTP port is known only after listen (port 0 in tests), and the origin policy needs it: build it lazily.
  let origins = new OriginPolicy(config.CORS_ORIGINS, []);
  const policy = {
    allows: (req: Parameters<OriginPolicy['allows']>[0]) => origins.allows(req),
    isListed: (o: string | undefined): o is string => origins.isListed(o),
  } as OriginPolicy;

  // Told to the web client by GET /config.json; filled in once the ports are known.
  let wsLocation: WebSocketLocation = { port: null, path: '/ws' };
  const http = createHttpServer(services, policy, clientDir, () => wsLocation);
  const ws = createWebSocketEndpoint(services, policy, samePort ? { shareWith: http, path: '/ws' } : {});
  // One order for stop() and for a start whose ports could not be taken.
  const shutdown = async () => {
    await services.agents.stop();
    // Telegram polling and the outbox finish their in-flight call; legacy sockets are closed.
    await services.transports.stop();
    await ws.shutdown();
    await Promise.all([close(http), samePort ? Promise.resolve() : close(ws.server)]);
    // Every instance tails the timeline (whoever runs the agents): stopped once nobody subscribes, before the
    // database closes, so no read of a closed pool is logged as a warning.
    await services.agents.timeline.stop();
    services.hub.close();
    await services.repo.close();
  };
  let httpPort: number;
  let wsPort: number;
  try {
    httpPort = await listen(http, config.PORT, config.HOST);
    wsPort = samePort ? httpPort : await listen(ws.server, config.WEBSOCKET_PORT, wsHost);
  } catch (error) {
    await shutdown();
    throw error;
  }
  origins = new OriginPolicy(config.CORS_ORIGINS, ownOrigins(config.HOST, httpPort));
  wsLocation = samePort ? { port: null, path: '/ws' } : { port: wsPort, path: '/' };
  const httpUrl = `http://${urlHost(config.HOST)}:${httpPort}`;
  const wsUrl = samePort
    ? `ws://${urlHost(config.HOST)}:${httpPort}/ws`
    : `ws://${urlHost(wsHost)}:${wsPort}`;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await shutdown();
      services.logger.info('server stopped');
      services.logger.flush();
    })();
    return stopping;
  };
  return { services, httpUrl, wsUrl, stop };
}
