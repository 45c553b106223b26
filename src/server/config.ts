// Every setting in one zod schema, read from the environment and CLI flags (flags win).
import { parseArgs } from 'node:util';
import { z } from 'zod';

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number (1-65535, or 0 for any free port)` })
    .int(`${name} must be a port number (1-65535, or 0 for any free port)`)
    .min(0, `${name} must be a port number (1-65535, or 0 for any free port)`)
    .max(65535, `${name} must be a port number (1-65535, or 0 for any free port)`);

const bool = (name: string) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(
      z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], {
        error: `${name} must be true or false`,
      }),
    )
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const nonNegative = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number >= 0` })
    .min(0, `${name} must be a number >= 0`)
    .refine(Number.isFinite, `${name} must be a number >= 0`);

/** A model id as opencode names it, `provider/model`, from a safe character set (it may become an argv word). */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;

const wholeMs = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number of milliseconds >= 0` })
    .int(`${name} must be a whole number of milliseconds >= 0`)
    .min(0, `${name} must be a whole number of milliseconds >= 0`);

/** An enumeration that accepts any letter case (INFO, Telegram) and yields the lower-case member. */
const lowerCase = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(schema);

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z.object({
  HOST: z.string().min(1, 'HOST must not be empty').default('127.0.0.1'),
  PORT: port('PORT').default(8080),
  WEBSOCKET_HOST: z.string().min(1).optional(),
  WEBSOCKET_PORT: port('WEBSOCKET_PORT').default(8765),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL must not be empty').default('./data/opencode-slack.db'),
  AUTH_SECRET: z
    .string()
    .min(32, 'AUTH_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)')
    .optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.url({ error: 'CORS_ORIGINS must be a comma-separated list of origins like http://localhost:5173' }),
      ),
    ),
  // Host names the server answers to besides loopback names, IP literals and HOST (DNS rebinding): the public
  // name(s) behind a proxy, e.g. chat.example.com. `*` answers to any (token mode only).
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\*|[a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/,
            'ALLOWED_HOSTS must be a comma-separated list of host names like chat.example.com (optionally :port), or *',
          ),
      ),
    ),
  // Bearer token for Prometheus scrapes of /metrics and for the detailed /health, besides admins.
  METRICS_TOKEN: z
    .string()
    .min(16, 'METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)')
    .optional(),
  // Enumerations read case-insensitively: the Python version's .env spells LOG_LEVEL=INFO.
  LOG_LEVEL: lowerCase(
    z.enum(logLevels, { error: `LOG_LEVEL must be one of ${logLevels.join(', ')}` }),
  ).default('info'),
  LOG_FILE: z.string().default('logs/server.log'),
  // Size-based rotation of LOG_FILE (pino-roll): rotate at LOG_MAX_SIZE, keep LOG_MAX_FILES old files.
  LOG_MAX_SIZE: z
    .string()
    .regex(/^\d+[kmg]?$/i, 'LOG_MAX_SIZE must be a size like 10m, 512k or 1g')
    .default('10m'),
  LOG_MAX_FILES: z.coerce
    .number({ error: 'LOG_MAX_FILES must be a whole number >= 1' })
    .int('LOG_MAX_FILES must be a whole number >= 1')
    .min(1, 'LOG_MAX_FILES must be a whole number >= 1')
    .default(5),
  OPENCODE_TRANSPORT: lowerCase(
    z.enum(['websocket', 'telegram'], { error: 'OPENCODE_TRANSPORT must be websocket or telegram' }),
  ).optional(),
  OPENCODE_SAFE_MODE: bool('OPENCODE_SAFE_MODE').default(false),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_CHAT_ID: z.string().optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'TELEGRAM_API_ROOT must be a URL' }).default('https://api.telegram.org'),
  // Outbox pacing and retries (Telegram allows ~1 message/s per chat and 20/min per group); tests shrink them.
  TELEGRAM_SEND_INTERVAL_MS: wholeMs('TELEGRAM_SEND_INTERVAL_MS').default(1000),
  // Bot-wide Telegram send limit (Telegram allows about 30/s); emulators in tests take more.
  TELEGRAM_GLOBAL_PER_SECOND: z.coerce
    .number({ error: 'TELEGRAM_GLOBAL_PER_SECOND must be a whole number >= 1' })
    .int('TELEGRAM_GLOBAL_PER_SECOND must be a whole number >= 1')
    .min(1, 'TELEGRAM_GLOBAL_PER_SECOND must be a whole number >= 1')
    .default(30),
  TELEGRAM_GROUP_PER_MINUTE: z.coerce
    .number({ error: 'TELEGRAM_GROUP_PER_MINUTE must be a whole number >= 1' })
    .int('TELEGRAM_GROUP_PER_MINUTE must be a whole number >= 1')
    .min(1, 'TELEGRAM_GROUP_PER_MINUTE must be a whole number >= 1')
    .default(20),
  // The one Telegram message per agent task is edited at most this often (the final state is always written).
  TELEGRAM_TASK_EDIT_MS: wholeMs('TELEGRAM_TASK_EDIT_MS').default(3000),
  TELEGRAM_RETRY_BASE_MS: wholeMs('TELEGRAM_RETRY_BASE_MS').default(1000),
  TELEGRAM_RETRY_MAX_MS: wholeMs('TELEGRAM_RETRY_MAX_MS').default(60_000),
  // Long-polling wait per getUpdates call, and the pause after an early empty answer (emulators do not wait).
  TELEGRAM_POLL_TIMEOUT_S: z.coerce
    .number({ error: 'TELEGRAM_POLL_TIMEOUT_S must be a whole number of seconds (0-50)' })
    .int('TELEGRAM_POLL_TIMEOUT_S must be a whole number of seconds (0-50)')
    .min(0, 'TELEGRAM_POLL_TIMEOUT_S must be a whole number of seconds (0-50)')
    .max(50, 'TELEGRAM_POLL_TIMEOUT_S must be a whole number of seconds (0-50)')
    .default(25),
  TELEGRAM_POLL_IDLE_MS: wholeMs('TELEGRAM_POLL_IDLE_MS').default(1000),
  TELEGRAM_START_TIMEOUT_MS: wholeMs('TELEGRAM_START_TIMEOUT_MS').default(10_000),
  AGENT_WORKER_COMMAND: z.string().optional(),
  AGENT_STUCK_AFTER_MS: z.coerce
    .number({ error: 'AGENT_STUCK_AFTER_MS must be a whole number of milliseconds' })
    .int('AGENT_STUCK_AFTER_MS must be a whole number of milliseconds')
    .positive('AGENT_STUCK_AFTER_MS must be a whole number of milliseconds')
    .default(600_000),
  AGENT_POSTS_PER_HOUR: z.coerce
    .number({ error: 'AGENT_POSTS_PER_HOUR must be a whole number >= 1' })
    .int('AGENT_POSTS_PER_HOUR must be a whole number >= 1')
    .min(1, 'AGENT_POSTS_PER_HOUR must be a whole number >= 1')
    .default(20),
  AGENT_MIN_POST_INTERVAL_MS: z.coerce
    .number({ error: 'AGENT_MIN_POST_INTERVAL_MS must be a whole number of milliseconds >= 0' })
    .int('AGENT_MIN_POST_INTERVAL_MS must be a whole number of milliseconds >= 0')
    .min(0, 'AGENT_MIN_POST_INTERVAL_MS must be a whole number of milliseconds >= 0')
    .default(2000),
  PROJECT_ROOT: z.string().default(process.cwd()),
  // The branch agents' task branches are made from and merged into; unset: the branch PROJECT_ROOT has checked out.
  AGENT_BASE_BRANCH: z
    .string()
    .trim()
    .min(1, 'AGENT_BASE_BRANCH must be a branch name, e.g. main')
    .regex(/^(?!-)[^\s~^:?*[\\]+$/, 'AGENT_BASE_BRANCH must be a branch name, e.g. main')
    .optional(),
  OPENAI_BASE_URL: z.url({ error: 'OPENAI_BASE_URL must be a URL' }).optional(),
  OPENAI_API_KEY: z.string().optional(),
  // `provider/model` as opencode names it (checked against opencode's models); unset: opencode's default model.
  AGENT_MODEL: z
    .string()
    .trim()
    // The LLM responder (OPENAI_BASE_URL) uses it as its endpoint's model name too, which may have no provider.
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/,
      'AGENT_MODEL must be provider/model (letters, digits, . _ - : @ /), e.g. anthropic/claude-sonnet-4-5',
    )
    .optional(),
  // Attach to a running `opencode serve` instead of starting one (its password, if any: OPENCODE_SERVER_PASSWORD).
  OPENCODE_URL: z.url({ error: 'OPENCODE_URL must be a URL, e.g. http://127.0.0.1:4096' }).optional(),
  // The attached server's password (opencode's own variable name); a server we start gets a random one instead.
  OPENCODE_SERVER_PASSWORD: z.string().min(1, 'OPENCODE_SERVER_PASSWORD must not be empty').optional(),
  OPENCODE_START_TIMEOUT_MS: wholeMs('OPENCODE_START_TIMEOUT_MS').default(60_000),
  // A question or permission request nobody answers is rejected ("nobody answered") after this long.
  AGENT_ASK_TIMEOUT_MS: wholeMs('AGENT_ASK_TIMEOUT_MS').default(900_000),
  // A model that gives no output for this long (no answer, or retrying) fails the task with the reason.
  AGENT_MODEL_TIMEOUT_MS: wholeMs('AGENT_MODEL_TIMEOUT_MS').default(300_000),
  // The server's own files (agents' help files); default: the database's directory.
  DATA_DIR: z.string().optional(),
  RATE_LIMIT_BURST: z.coerce
    .number({ error: 'RATE_LIMIT_BURST must be a whole number >= 1' })
    .int('RATE_LIMIT_BURST must be a whole number >= 1')
    .min(1, 'RATE_LIMIT_BURST must be a whole number >= 1')
    .default(20),
  RATE_LIMIT_PER_SECOND: nonNegative('RATE_LIMIT_PER_SECOND').default(2),
  // Scripts and bots (legacy JSON adapter, tRPC over plain HTTP) also draw from this stricter bucket.
  RATE_LIMIT_BULK_BURST: z.coerce
    .number({ error: 'RATE_LIMIT_BULK_BURST must be a whole number >= 1' })
    .int('RATE_LIMIT_BULK_BURST must be a whole number >= 1')
    .min(1, 'RATE_LIMIT_BULK_BURST must be a whole number >= 1')
    .default(10),
  RATE_LIMIT_BULK_PER_SECOND: nonNegative('RATE_LIMIT_BULK_PER_SECOND').default(1),
  // Open WebSocket connections (tRPC and legacy) per client IP, and per signed-in user (tRPC).
  WS_MAX_CONNECTIONS_PER_IP: z.coerce
    .number({ error: 'WS_MAX_CONNECTIONS_PER_IP must be a whole number >= 1' })
    .int('WS_MAX_CONNECTIONS_PER_IP must be a whole number >= 1')
    .min(1, 'WS_MAX_CONNECTIONS_PER_IP must be a whole number >= 1')
    .default(100),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce
    .number({ error: 'WS_MAX_CONNECTIONS_PER_USER must be a whole number >= 1' })
    .int('WS_MAX_CONNECTIONS_PER_USER must be a whole number >= 1')
    .min(1, 'WS_MAX_CONNECTIONS_PER_USER must be a whole number >= 1')
    .default(20),
  // Calls in one tRPC WebSocket frame (@trpc/client batches what it queued in one tick); more are refused.
  WS_MAX_BATCH: z.coerce
    .number({ error: 'WS_MAX_BATCH must be a whole number from 1 to 1000' })
    .int('WS_MAX_BATCH must be a whole number from 1 to 1000')
    .min(1, 'WS_MAX_BATCH must be a whole number from 1 to 1000')
    .max(1000, 'WS_MAX_BATCH must be a whole number from 1 to 1000')
    .default(50),
  // Who speaks tRPC on the WebSocket: our lean handler, or tRPC's own applyWSSHandler (to check an upgrade of tRPC
  // or ws against the stock handler; it lacks the lean handler's per-connection limits and per-call revocation).
  WS_HANDLER: lowerCase(
    z.enum(['lean', 'trpc'], { error: 'WS_HANDLER must be lean (the default) or trpc' }),
  ).default('lean'),
  // Where a SQLite file's message commits run: a writer thread (the event loop never waits for fsync), or the main
  // thread as before issue 17 (to compare, or to fall back). `:memory:` always commits in the main thread.
  SQLITE_WRITER: lowerCase(
    z.enum(['thread', 'inline'], { error: 'SQLITE_WRITER must be thread (the default) or inline' }),
  ).default('thread'),
});

export type Config = z.infer<typeof configSchema>;

/** A setting that cannot be used; `message` is one line naming it and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const flagToSetting = {
  host: 'HOST',
  port: 'PORT',
  'websocket-port': 'WEBSOCKET_PORT',
  'db-path': 'DATABASE_URL',
  transport: 'OPENCODE_TRANSPORT',
} as const;

export function parseFlags(argv: string[]): Record<string, string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(flagToSetting).map((flag) => [flag, { type: 'string' }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const allowed = Object.keys(flagToSetting)
      .map((f) => `--${f}`)
      .join(' ');
    throw new ConfigError(`${(error as Error).message.split('\n')[0]} (allowed flags: ${allowed})`);
  }
  const out: Record<string, string> = {};
  for (const [flag, setting] of Object.entries(flagToSetting)) {
    const value = values[flag];
    if (typeof value === 'string') out[setting] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    // An empty variable (FOO= in .env) means "not set", so the default applies.
    if (value !== undefined && value !== '') raw[key] = value;
  }
  Object.assign(raw, parseFlags(argv));
  // JWT_SECRET is the Python version's name for AUTH_SECRET; start-up prints a notice (legacySettingNotices).
  const secretFromJwt = raw.AUTH_SECRET === undefined && Boolean(env.JWT_SECRET);
  if (secretFromJwt) raw.AUTH_SECRET = env.JWT_SECRET;
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    let setting = String(issue?.path[0] ?? 'configuration');
    const message = issue?.message ?? 'invalid value';
    if (setting === 'AUTH_SECRET' && secretFromJwt) setting = 'JWT_SECRET (read as AUTH_SECRET)';
    throw new ConfigError(
      message.startsWith(setting) ? `Invalid setting: ${message}` : `Invalid setting ${setting}: ${message}`,
    );
  }
  const config = result.data;
  if (!config.AUTH_SECRET && !isLoopback(config.HOST)) {
    throw new ConfigError(
      `Invalid setting AUTH_SECRET: required when HOST (${config.HOST}) is not a loopback address; set AUTH_SECRET (32+ characters) or bind to 127.0.0.1`,
    );
  }
  if (!config.AUTH_SECRET && config.ALLOWED_HOSTS.includes('*')) {
    throw new ConfigError(
      'Invalid setting ALLOWED_HOSTS: * (any host name) needs token mode; in open mode list the names, or set AUTH_SECRET',
    );
  }
  const wsHost = config.WEBSOCKET_HOST ?? config.HOST;
  if (!config.AUTH_SECRET && !isLoopback(wsHost)) {
    throw new ConfigError(
      `Invalid setting AUTH_SECRET: required when WEBSOCKET_HOST (${wsHost}) is not a loopback address; set AUTH_SECRET or bind to 127.0.0.1`,
    );
  }
  return config;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
