import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config';
import { legacySettingNotices } from '../../src/server/config-legacy';

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

  it('reads AGENT_BASE_BRANCH as a branch name and refuses what git would not take', () => {
    expect(loadConfig({}).AGENT_BASE_BRANCH).toBeUndefined();
    expect(loadConfig({ AGENT_BASE_BRANCH: ' release/2.0 ' }).AGENT_BASE_BRANCH).toBe('release/2.0');
    expect(() => loadConfig({ AGENT_BASE_BRANCH: 'my branch' })).toThrow(
      /AGENT_BASE_BRANCH must be a branch name/,
    );
    expect(() => loadConfig({ AGENT_BASE_BRANCH: '-main' })).toThrow(
      /AGENT_BASE_BRANCH must be a branch name/,
    );
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

// The Python version's .env (its .env.example, kept verbatim in tests/fixtures/original/env.example) copied here.
describe('an .env from the Python version', () => {
  const secret = 'a-real-secret-of-at-least-32-characters';

  it('reads LOG_LEVEL=INFO and other enumerations in any letter case', () => {
    const config = loadConfig({ LOG_LEVEL: 'INFO', OPENCODE_TRANSPORT: 'Telegram' });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.OPENCODE_TRANSPORT).toBe('telegram');
    expect(loadConfig({}, ['--transport', 'WebSocket']).OPENCODE_TRANSPORT).toBe('websocket');
    expect(() => loadConfig({ LOG_LEVEL: 'LOUD' })).toThrow(/LOG_LEVEL must be one of fatal, error/);
  });

  it('reads JWT_SECRET as AUTH_SECRET, says so once, and lets AUTH_SECRET win when both are set', () => {
    expect(loadConfig({ JWT_SECRET: secret }).AUTH_SECRET).toBe(secret);
    expect(legacySettingNotices({ JWT_SECRET: secret })).toEqual([
      'JWT_SECRET is read as AUTH_SECRET (its older name); rename it in .env to silence this notice',
    ]);
    const both = { JWT_SECRET: secret, AUTH_SECRET: 'b'.repeat(32) };
    expect(loadConfig(both).AUTH_SECRET).toBe('b'.repeat(32));
    expect(legacySettingNotices(both)).toEqual([
      'JWT_SECRET (the older name of AUTH_SECRET) is ignored: AUTH_SECRET is set',
    ]);
  });

  it('names JWT_SECRET when its value is too short to sign tokens (the example placeholder)', () => {
    expect(() => loadConfig({ JWT_SECRET: 'your_jwt_secret_key_here' })).toThrow(
      'Invalid setting JWT_SECRET (read as AUTH_SECRET): AUTH_SECRET must be at least 32 characters',
    );
  });

  it('names every setting of the original it ignores in one line, with the new name where there is one', () => {
    const notices = legacySettingNotices({
      API_KEY: 'k',
      ENCRYPTION_KEY: 'e',
      METRICS_ENABLED: 'true',
      SERVER_PORT: '8080',
      LOG_LEVEL: 'INFO',
      UNRELATED_THING: 'x',
    });
    expect(notices).toEqual([
      'ignored from an older configuration: API_KEY, ENCRYPTION_KEY, METRICS_ENABLED, SERVER_PORT (here: PORT) — see README',
    ]);
    expect(legacySettingNotices({ LOG_LEVEL: 'info', PORT: '1', API_KEY: '' })).toEqual([]);
  });

  it('starts from that .env: a relative sqlite:/// database in the working directory, token mode, one notice line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-original-env-'));
    try {
      const example = readFileSync('tests/fixtures/original/env.example', 'utf8');
      writeFileSync(join(dir, '.env'), example.replace('your_jwt_secret_key_here', secret));
      const child = spawn(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), resolve('src/server/main.ts')],
        {
          cwd: dir,
          // The .env supplies everything else; the ports are the only override (any free one).
          env: { PATH: process.env.PATH, PORT: '0', WEBSOCKET_PORT: '0', LOG_FILE: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (d) => {
        output += String(d);
      });
      child.stderr.on('data', (d) => {
        output += String(d);
      });
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      const running = await Promise.race([
        new Promise<boolean>((done) => {
          const check = () =>
            output.includes('OpenCode-Slack is running') ? done(true) : setTimeout(check, 25);
          check();
        }),
        exited.then(() => false),
      ]);
      expect(running, output).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('JWT_SECRET is read as AUTH_SECRET');
      expect(output).toContain(
        'ignored from an older configuration: API_KEY, ENCRYPTION_KEY, METRICS_ENABLED — see README',
      );
      expect(output).toContain('token mode (AUTH_SECRET set)');
      expect(existsSync(join(dir, 'employees.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops start-up naming JWT_SECRET when the example placeholder was left in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-original-env-'));
    try {
      writeFileSync(join(dir, '.env'), readFileSync('tests/fixtures/original/env.example', 'utf8'));
      const run = spawnSync(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), resolve('src/server/main.ts')],
        { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 20_000 },
      );
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        'Invalid setting JWT_SECRET (read as AUTH_SECRET): AUTH_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)',
      );
      expect(existsSync(join(dir, 'employees.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
