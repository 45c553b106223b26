import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8080,
      WEBSOCKET_PORT: 8765,
      DATABASE_URL: './data/opencode-slack.db',
      LOG_FILE: 'logs/server.log',
      AGENT_STUCK_AFTER_MS: 600_000,
      RATE_LIMIT_BURST: 20,
      RATE_LIMIT_PER_SECOND: 2,
      RATE_LIMIT_BULK_BURST: 10,
      RATE_LIMIT_BULK_PER_SECOND: 1,
      OPENCODE_SAFE_MODE: false,
    });
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ PORT: '9000', OPENCODE_TRANSPORT: 'telegram' }, [
      '--port',
      '9100',
      '--websocket-port=9101',
      '--db-path',
      '/tmp/x.db',
      '--transport',
      'websocket',
      '--host',
      'localhost',
    ]);
    expect(config).toMatchObject({
      PORT: 9100,
      WEBSOCKET_PORT: 9101,
      DATABASE_URL: '/tmp/x.db',
      OPENCODE_TRANSPORT: 'websocket',
      HOST: 'localhost',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', AUTH_SECRET: '' }).PORT).toBe(8080);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a port number'],
    [{ WEBSOCKET_PORT: '70000' }, 'WEBSOCKET_PORT must be a port number'],
    [{ OPENCODE_TRANSPORT: 'carrier-pigeon' }, 'OPENCODE_TRANSPORT must be websocket or telegram'],
    [{ OPENCODE_SAFE_MODE: 'maybe' }, 'OPENCODE_SAFE_MODE must be true or false'],
    [{ RATE_LIMIT_PER_SECOND: '-1' }, 'RATE_LIMIT_PER_SECOND must be a number >= 0'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ AUTH_SECRET: 'short' }, 'AUTH_SECRET must be at least 32 characters'],
    [{ HOST: '0.0.0.0' }, 'AUTH_SECRET: required when HOST (0.0.0.0) is not a loopback address'],
  ])('rejects %o with one line naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects unknown flags, naming the allowed ones', () => {
    expect(() => loadConfig({}, ['--prot', '1'])).toThrow(/allowed flags: --host --port/);
  });

  it('allows a public bind in token mode', () => {
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_SECRET: 'x'.repeat(32) }).HOST).toBe('0.0.0.0');
  });
});

describe('main', () => {
  it('stops start-up with exit code 2 and one line naming a bad setting', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', 'x'], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'Invalid setting: PORT must be a port number (1-65535, or 0 for any free port)',
    );
  });
});
