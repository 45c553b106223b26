// Test set-up for router tests: a fresh migrated in-memory database per call, callers for any user.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createServices } from '../../src/server/app';
import type { User } from '../../src/server/auth';
import { type Config, loadConfig } from '../../src/server/config';
import type { Services } from '../../src/server/services';
import { createCaller } from '../../src/server/trpc/root';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'silent',
    LOG_FILE: '',
    PORT: '0',
    WEBSOCKET_PORT: '0',
    // Agents' tasks never work in (or branch) this checkout: each test server gets an empty project of its own.
    PROJECT_ROOT: env.PROJECT_ROOT ?? mkdtempSync(join(tmpdir(), 'ocs-project-')),
    ...env,
  });
}

export async function createTestServices(env: Record<string, string> = {}): Promise<Services> {
  const config = testConfig(env);
  return createServices(config, { logger: pino({ level: 'silent' }) });
}

export function callerFor(
  services: Services,
  user: User | null = { id: 'alice', role: 'user' },
  authError?: string,
) {
  return createCaller({
    services,
    user,
    authError: authError ?? (user ? null : 'sign in first'),
    connection: null,
  });
}
