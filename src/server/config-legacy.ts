// Settings of the original Python OpenCode-Slack that this project does not use: named at start-up, never dropped
// silently, so an operator who copied the old .env learns which lines do nothing here.
import { configSchema } from './config';

/** What a renamed setting is called here; a bare entry means this project has no such setting. */
const RENAMED: Record<string, string> = {
  SERVER_HOST: 'HOST',
  SERVER_PORT: 'PORT',
  DATABASE_PATH: 'DATABASE_URL',
  DEFAULT_MODEL: 'AGENT_MODEL',
  OPENCODE_COMMAND: 'AGENT_WORKER_COMMAND',
  WEBSOCKET_CORS_ORIGINS: 'CORS_ORIGINS',
  WEBSOCKET_LOG_LEVEL: 'LOG_LEVEL',
  OPENCODE_CHAT_DB: 'npm run import:original',
};

/**
 * Every setting the original read (its .env.example, config/environments/.env.template and the os.environ reads
 * of its source), apart from JWT_SECRET, which is read here as AUTH_SECRET.
 */
export const ORIGINAL_SETTINGS = [
  'ADMIN_PASSWORD',
  'ALERT_EMAIL_ENABLED',
  'ALERT_EMAIL_FROM',
  'ALERT_EMAIL_SMTP_HOST',
  'ALERT_EMAIL_SMTP_PASSWORD',
  'ALERT_EMAIL_SMTP_PORT',
  'ALERT_EMAIL_SMTP_USER',
  'ALERT_EMAIL_TO',
  'ALERT_SLACK_CHANNEL',
  'ALERT_SLACK_ENABLED',
  'ALERT_SLACK_USERNAME',
  'ALERT_SLACK_WEBHOOK_URL',
  'ALERT_WEBHOOK_ENABLED',
  'ALERT_WEBHOOK_HEADERS',
  'ALERT_WEBHOOK_URL',
  'API_KEY',
  'ASYNC_SERVER_URL',
  'BATCH_SIZE',
  'CACHE_TTL_SECONDS',
  'COMPLETED_TASKS_DIR',
  'CONNECTION_POOL_SIZE',
  'DASHBOARD_SECRET_KEY',
  'DATABASE_PATH',
  'DATABASE_URL',
  'DEBUG_MODE',
  'DEFAULT_LOCK_TIMEOUT',
  'DEFAULT_MODEL',
  'ENABLE_WAL_MODE',
  'ENCRYPTION_KEY',
  'ENVIRONMENT',
  'GRAFANA_PASSWORD',
  'HOST',
  'LOG_FILE',
  'LOG_LEVEL',
  'MAX_API_REQUESTS_PER_MINUTE',
  'MAX_CONCURRENT_SESSIONS',
  'MAX_CONCURRENT_TASKS',
  'MAX_DB_CONNECTIONS',
  'MAX_WORKERS',
  'METRICS_ENABLED',
  'MODELS_CONFIG_FILE',
  'MONITORING_ALERT_INTERVAL',
  'MONITORING_AUTO_RECOVERY',
  'MONITORING_DASHBOARD_HOST',
  'MONITORING_DASHBOARD_PORT',
  'MONITORING_ENABLED',
  'MONITORING_ENABLE_DASHBOARD',
  'MONITORING_ENABLE_MOBILE',
  'MONITORING_HEALTH_INTERVAL',
  'MONITORING_METRICS_INTERVAL',
  'MONITORING_RETENTION_DAYS',
  'OPENAI_API_KEY',
  'OPENCODE_ADMIN_KEY',
  'OPENCODE_ALLOW_GUEST',
  'OPENCODE_API_KEY',
  'OPENCODE_CHAT_DB',
  'OPENCODE_COMMAND',
  'OPENCODE_DEV_MODE',
  'OPENCODE_MAX_MESSAGES',
  'OPENCODE_SAFE_MODE',
  'OPENCODE_SECRET_KEY',
  'OPENCODE_SERVER_URL',
  'OPENCODE_SESSION_TIMEOUT',
  'OPENCODE_TRANSPORT',
  'PORT',
  'PROGRESS_FILE_NAME',
  'PROJECT_ROOT',
  'REDIS_PASSWORD',
  'REQUEST_TIMEOUT',
  'SECRET_KEY',
  'SERVER_HOST',
  'SERVER_PORT',
  'SESSIONS_DIR',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_CHAT_ID',
  'TELEGRAM_WEBHOOK_URL',
  'WEBSOCKET_AUTH_TIMEOUT',
  'WEBSOCKET_AUTO_RECONNECT',
  'WEBSOCKET_CORS_ORIGINS',
  'WEBSOCKET_HOST',
  'WEBSOCKET_LOG_LEVEL',
  'WEBSOCKET_LOG_MESSAGES',
  'WEBSOCKET_MAX_CONNECTIONS',
  'WEBSOCKET_MAX_MESSAGES_PER_HOUR',
  'WEBSOCKET_MAX_MESSAGES_PER_MINUTE',
  'WEBSOCKET_MAX_MESSAGE_SIZE',
  'WEBSOCKET_MAX_RECONNECT_ATTEMPTS',
  'WEBSOCKET_MESSAGE_QUEUE_SIZE',
  'WEBSOCKET_PING_INTERVAL',
  'WEBSOCKET_PING_TIMEOUT',
  'WEBSOCKET_PORT',
  'WEBSOCKET_RATE_LIMIT_ENABLED',
  'WEBSOCKET_RECONNECT_INTERVAL',
  'WEBSOCKET_REQUIRE_AUTH',
] as const;

/** The original's settings present in `env` that no setting here reads (checked against the live schema). */
export function ignoredOriginalSettings(env: NodeJS.ProcessEnv): string[] {
  const known = new Set(Object.keys(configSchema.shape));
  return ORIGINAL_SETTINGS.filter((key) => !known.has(key) && env[key] !== undefined && env[key] !== '');
}

/** The lines start-up prints about an older configuration: at most one for JWT_SECRET, one for the rest. */
export function legacySettingNotices(env: NodeJS.ProcessEnv): string[] {
  const notices: string[] = [];
  if (env.JWT_SECRET) {
    notices.push(
      env.AUTH_SECRET
        ? 'JWT_SECRET (the older name of AUTH_SECRET) is ignored: AUTH_SECRET is set'
        : 'JWT_SECRET is read as AUTH_SECRET (its older name); rename it in .env to silence this notice',
    );
  }
  const ignored = ignoredOriginalSettings(env);
  if (ignored.length > 0) {
    const named = ignored.map((key) => (RENAMED[key] ? `${key} (here: ${RENAMED[key]})` : key));
    notices.push(`ignored from an older configuration: ${named.join(', ')} — see README`);
  }
  return notices;
}
