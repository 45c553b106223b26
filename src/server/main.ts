// CLI entry: .env + environment + flags -> config -> start; SIGTERM/SIGINT stop cleanly with exit code 0.
import { existsSync } from 'node:fs';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';
import { legacySettingNotices } from './config-legacy';
import { redactSecrets, redactUrl } from './redact';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
    for (const notice of legacySettingNotices(process.env)) console.warn(notice);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await startApp(config);
  const { logger } = app.services;
  logger.info(
    {
      http: app.httpUrl,
      ws: app.wsUrl,
      mode: config.AUTH_SECRET ? 'token' : 'open',
      db: redactUrl(config.DATABASE_URL),
    },
    'server started',
  );
  console.log(`OpenCode-Slack is running
  web client + REST: ${app.httpUrl}/
  tRPC over HTTP:    ${app.httpUrl}/trpc
  tRPC over WS:      ${app.wsUrl}
  auth:              ${config.AUTH_SECRET ? 'token mode (AUTH_SECRET set)' : 'open mode (loopback only)'}
  database:          ${redactUrl(config.DATABASE_URL)}`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  const why = error instanceof Error ? error.message : String(error);
  console.error(`start-up failed: ${redactSecrets(why, process.env)}`);
  process.exit(1);
});
