import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Manifest } from '../../scripts/migrate/backup';
import { type MigrationOptions, migrate, rollback } from '../../scripts/migrate/migration';
import type { LogEntry } from '../../scripts/migrate/migration-log';
import { freePort } from '../helpers/process';
import { tempDir } from '../helpers/server';

const ENV = `# Telegram install (2024)
HOST=127.0.0.1
PORT=8080
OPENCODE_TRANSPORT=telegram   # set by the old installer
TELEGRAM_BOT_TOKEN=123456:telegram-token
TELEGRAM_CHAT_ID=-1001234

OPENCODE_SAFE_MODE=true
RATE_LIMIT_BURST=10
`;
const COMPOSE = `# production compose
services:
  opencode-slack:
    build: .
    ports:
      - "8080:8080"
    environment:
      - OPENCODE_TRANSPORT=telegram
      - TELEGRAM_BOT_TOKEN=\${TELEGRAM_BOT_TOKEN}
`;
const PACKAGE = `{
  "name": "install",
  "scripts": {
    "start": "tsx src/server/main.ts --transport telegram",
    "test": "vitest run"
  }
}
`;
const START_SH = '#!/bin/sh\nexec npm start -- --transport=telegram\n';

/** A Telegram-configured install in a fresh temp folder. */
function telegramInstall(files: Record<string, string> = {}): string {
  const root = tempDir('ocs-migrate-');
  const all = {
    '.env': ENV,
    'docker-compose.yml': COMPOSE,
    'package.json': PACKAGE,
    'start.sh': START_SH,
    ...files,
  };
  for (const [path, text] of Object.entries(all)) writeFileSync(join(root, path), text, { mode: 0o644 });
  writeFileSync(join(root, 'start.sh'), all['start.sh'], { mode: 0o755 });
  return root;
}

/** path -> sha256 and mode of every file and folder under root, the backup folder left out. */
function snapshot(root: string, skip = 'migration_backup'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (rel === skip) continue;
      const stat = statSync(path);
      if (stat.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(path);
      } else {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        out[rel] = `${hash} ${(stat.mode & 0o7777).toString(8)}`;
      }
    }
  };
  walk(root);
  return out;
}

const logOf = (root: string) =>
  JSON.parse(readFileSync(join(root, 'migration_backup', 'migration-log.json'), 'utf8')) as LogEntry[];
const manifestOf = (root: string) =>
  JSON.parse(readFileSync(join(root, 'migration_backup', 'manifest.json'), 'utf8')) as Manifest;

async function run(root: string, port: number, extra: Partial<MigrationOptions> = {}) {
  const printed: string[] = [];
  const outcome = await migrate({
    root,
    backupDir: 'migration_backup',
    host: '127.0.0.1',
    port,
    print: (line) => printed.push(line),
    ...extra,
  });
  return { outcome, printed };
}

const occupy = (port: number) =>
  new Promise<Server>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done(server));
  });
const release = (server: Server) => new Promise<void>((done) => server.close(() => done()));

describe('npm run migrate:websocket', () => {
  it('migrates a Telegram install, keeping every other line, comment and the Telegram settings', async () => {
    const root = telegramInstall();
    const port = await freePort();

    const { outcome, printed } = await run(root, port);

    expect(outcome).toEqual({ status: 'migrated', skipped: [] });
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe(`# Telegram install (2024)
HOST=127.0.0.1
PORT=8080
OPENCODE_TRANSPORT=websocket   # set by the old installer
TELEGRAM_BOT_TOKEN=123456:telegram-token
TELEGRAM_CHAT_ID=-1001234

OPENCODE_SAFE_MODE=false
RATE_LIMIT_BURST=10

# Added by npm run migrate:websocket
WEBSOCKET_HOST=127.0.0.1
WEBSOCKET_PORT=${port}
`);
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
    expect(compose.services['opencode-slack'].ports).toEqual(['8080:8080', `${port}:${port}`]);
    expect(compose.services['opencode-slack'].environment).toContain('OPENCODE_TRANSPORT=websocket');
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toContain('# production compose');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts).toEqual({
      start: 'tsx src/server/main.ts --transport websocket',
      test: 'vitest run',
    });
    expect(readFileSync(join(root, 'start.sh'), 'utf8')).toBe(
      '#!/bin/sh\nexec npm start -- --transport=websocket\n',
    );
    expect(readFileSync(join(root, 'src/client/.env.local'), 'utf8')).toContain(
      `VITE_WS_URL=ws://127.0.0.1:${port}\nVITE_API_URL=http://127.0.0.1:8080\n`,
    );

    const steps = logOf(root).filter((e) => e.status === 'succeeded');
    expect(steps.map((e) => e.step)).toEqual([
      '1/6 backup',
      '2/6 websocket-server',
      '3/6 env',
      '4/6 agent-communication',
      '5/6 startup-files',
      '6/6 client-config',
    ]);
    for (const entry of logOf(root))
      expect(Object.keys(entry)).toEqual(['timestamp', 'step', 'status', 'details']);
    expect(steps[1]?.details).toMatchObject({ url: `ws://127.0.0.1:${port}`, messageId: 1 });
    expect(steps[3]?.details).toMatchObject({ agent: expect.stringMatching(/^migcheck-/) });
    expect(printed).toContain(
      `[2/6 websocket-server] ok: sent and received message 1 over ws://127.0.0.1:${port}`,
    );
    expect(manifestOf(root).status).toBe('completed');
    expect(
      manifestOf(root)
        .files.filter((f) => !f.existed)
        .map((f) => f.path),
    ).toEqual(['.env.local', '.env.production', 'scripts/start.sh', 'src/client/.env.local']);
  });

  it('--rollback after a success restores every file byte for byte and removes what it created', async () => {
    const root = telegramInstall();
    const before = snapshot(root);
    expect((await run(root, await freePort())).outcome.status).toBe('migrated');
    expect(snapshot(root)).not.toEqual(before);

    const outcome = rollback({ root, backupDir: 'migration_backup', print: () => {} });

    expect(outcome).toMatchObject({ status: 'rolled-back', removed: ['src/client/.env.local'] });
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(manifestOf(root).status).toBe('rolled-back');
    // And once more: nothing left to undo, nothing changes.
    rollback({ root, backupDir: 'migration_backup', print: () => {} });
    expect(snapshot(root)).toEqual(before);
  });

  it('is a no-op the second time: nothing written, backup untouched', async () => {
    const root = telegramInstall();
    const port = await freePort();
    await run(root, port);
    const after = snapshot(root, '');

    const { outcome, printed } = await run(root, port);

    expect(outcome).toEqual({ status: 'unchanged' });
    expect(printed.join('\n')).toMatch(/Nothing to change/);
    expect(snapshot(root, '')).toEqual(after);
  });

  it('--dry-run prints what would change and writes nothing', async () => {
    const root = telegramInstall();
    const before = snapshot(root, '');
    const port = await freePort();

    const { outcome, printed } = await run(root, port, { dryRun: true });

    expect(outcome).toMatchObject({ status: 'dry-run', errors: [] });
    expect(snapshot(root, '')).toEqual(before);
    const text = printed.join('\n');
    expect(text).toContain('.env:\n  - OPENCODE_TRANSPORT=telegram   # set by the old installer');
    expect(text).toContain('  + OPENCODE_TRANSPORT=websocket   # set by the old installer');
    expect(text).toContain(`  + WEBSOCKET_PORT=${port}`);
    expect(text).toContain(`  +     "start": "tsx src/server/main.ts --transport websocket",`);
    expect(text).toContain('src/client/.env.local (new file):');
  });

  describe('a failing step rolls everything back', () => {
    const cases: {
      step: number;
      why: string;
      setUp: (root: string, port: number) => Promise<(() => Promise<void>) | undefined> | undefined;
      onStepDone?: (root: string, port: number, held: Server[]) => (step: number) => Promise<void>;
      error: RegExp;
    }[] = [
      {
        step: 1,
        why: 'the backup folder cannot be created',
        setUp: async (root) => {
          writeFileSync(join(root, 'migration_backup'), 'a file where the folder should go');
          return undefined;
        },
        error: /EEXIST|ENOTDIR/,
      },
      {
        step: 2,
        why: 'the WebSocket port is taken',
        setUp: async (_root, port) => {
          const server = await occupy(port);
          return () => release(server);
        },
        error: /EADDRINUSE/,
      },
      {
        step: 3,
        why: 'the migrated .env would not start',
        setUp: async (root) => {
          writeFileSync(join(root, '.env'), `${ENV}LOG_LEVEL=chatty\n`);
          return undefined;
        },
        error: /the migrated \.env would not start: .*LOG_LEVEL/,
      },
      {
        step: 4,
        why: 'the port is taken before the agent check',
        setUp: async () => undefined,
        onStepDone: (_root, port, held) => async (step) => {
          if (step === 3) held.push(await occupy(port));
        },
        error: /EADDRINUSE/,
      },
      {
        step: 5,
        why: 'docker-compose.yml is not valid YAML',
        setUp: async (root) => {
          writeFileSync(join(root, 'docker-compose.yml'), 'services:\n  app: [unclosed\n');
          return undefined;
        },
        error: /docker-compose\.yml is not valid YAML/,
      },
      {
        step: 6,
        why: 'the client folder cannot be created',
        setUp: async (root) => {
          writeFileSync(join(root, 'src'), 'a file where the client folder should go');
          return undefined;
        },
        error: /ENOTDIR|EEXIST/,
      },
    ];

    it.each(cases)('at step $step when $why', async ({ step, setUp, onStepDone, error }) => {
      const root = telegramInstall();
      const port = await freePort();
      const cleanUp = await setUp(root, port);
      const held: Server[] = [];
      const before = snapshot(root);
      try {
        const { outcome } = await run(root, port, { onStepDone: onStepDone?.(root, port, held) });

        expect(outcome).toMatchObject({ status: 'failed', step, rolledBack: step > 1 });
        expect((outcome as { error: string }).error).toMatch(error);
        expect(snapshot(root)).toEqual(before);
        if (step > 1) {
          const log = logOf(root);
          expect(log.find((e) => e.status === 'failed')?.step).toMatch(new RegExp(`^${step}/6 `));
          expect(log.at(-1)).toMatchObject({ step: 'rollback', status: 'rolled-back' });
          expect(manifestOf(root).status).toBe('rolled-back');
        }
      } finally {
        await cleanUp?.();
        for (const server of held) await release(server);
      }
    });
  });

  it('--test-mode leaves a failed migration in place, and --rollback then restores it exactly', async () => {
    const root = telegramInstall({ 'docker-compose.yml': 'services: [\n' });
    const before = snapshot(root);

    const { outcome } = await run(root, await freePort(), { testMode: true });

    expect(outcome).toMatchObject({ status: 'failed', step: 5, rolledBack: false });
    expect(readFileSync(join(root, '.env'), 'utf8')).toContain('OPENCODE_TRANSPORT=websocket');
    expect(manifestOf(root).status).toBe('failed');
    rollback({ root, backupDir: 'migration_backup', print: () => {} });
    expect(snapshot(root)).toEqual(before);
  });

  it('refuses to migrate over the backup of an earlier migration that was not rolled back', async () => {
    const root = telegramInstall();
    const port = await freePort();
    await run(root, port);
    const backup = snapshot(join(root, 'migration_backup'), '');

    const { outcome } = await run(root, await freePort());

    expect(outcome).toMatchObject({ status: 'refused', error: expect.stringMatching(/--rollback first/) });
    expect(snapshot(join(root, 'migration_backup'), '')).toEqual(backup);
  });

  it('runs from the command line in the install folder, and rolls back from there', async () => {
    const root = telegramInstall();
    mkdirSync(join(root, 'backups'));
    const before = snapshot(root, 'backups');
    const port = await freePort();
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [resolve('node_modules/tsx/dist/cli.mjs'), resolve('scripts/migrate-to-websocket.ts'), ...args],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );

    const bad = cli('--port', 'ninety');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be a port number/);

    const migrated = cli('--port', String(port), '--backup-dir', 'backups/mig');
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/\[6\/6 client-config\] ok: wrote src\/client\/\.env\.local/);
    expect(existsSync(join(root, 'backups/mig/manifest.json'))).toBe(true);

    const undone = cli('--rollback', '--backup-dir', 'backups/mig');
    expect(undone.status).toBe(0);
    expect(undone.stdout).toMatch(/\[rollback\] rolled back: restored .*\.env/);
    expect(snapshot(root, 'backups')).toEqual(before);

    const nothing = cli('--rollback', '--backup-dir', 'elsewhere');
    expect(nothing.status).toBe(2);
  });
});
