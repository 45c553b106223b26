import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { updateCompose } from '../../scripts/migrate/startup-files';
import { startTestServer } from '../helpers/server';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, backslash continuations joined. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const KEYWORDS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

const dockerfile = instructions(readFileSync('Dockerfile', 'utf8'));
const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
const service = compose.services['opencode-slack'];
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** Runs a health-check command (exec form) the way Docker would, against a server on `port` in this process. */
function runCheck(argv: string[], port: number): Promise<number | null> {
  const [command, ...args] = argv;
  expect(command).toBe('node');
  // Asynchronously: the server under test answers from this very event loop.
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('Dockerfile', () => {
  it('uses only known instructions and builds in named Node 20 stages', () => {
    for (const { keyword } of dockerfile) expect(KEYWORDS, keyword).toContain(keyword);
    const stages = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names: string[] = [];
    for (const stage of stages) {
      // Each stage starts from Node 20 or from a stage named before it.
      const [base = '', name = ''] = stage.split(' AS ');
      expect(stage).toMatch(/^\S+ AS \w+$/);
      if (!names.includes(base)) expect(base).toMatch(/^node:20[-\w.]*$/);
      names.push(name);
    }
    for (const copy of dockerfile.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from='))) {
      expect(names).toContain(/--from=(\S+)/.exec(copy.args)?.[1]);
    }
  });

  it('installs with the lockfile, builds the client with a script that exists, and copies files that exist', () => {
    const runs = dockerfile.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => r.includes('npm ci'))).toBe(true);
    const scripts = runs.flatMap((r) => [...r.matchAll(/npm run (\S+)/g)].map((m) => m[1] as string));
    for (const script of scripts) expect(Object.keys(pkg.scripts)).toContain(script);
    for (const copy of dockerfile.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(source), source).toBe(true);
    }
  });

  it('runs the server as a non-root user with data and logs on volumes', () => {
    const runtime = dockerfile.slice(dockerfile.findLastIndex((i) => i.keyword === 'FROM'));
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(JSON.parse(runtime.find((i) => i.keyword === 'VOLUME')?.args ?? '[]')).toEqual([
      '/app/data',
      '/app/logs',
    ]);
    const env = runtime.find((i) => i.keyword === 'ENV')?.args ?? '';
    expect(env).toContain('DATABASE_URL=/app/data/');
    expect(env).toContain('LOG_FILE=/app/logs/');
    expect(runtime.find((i) => i.keyword === 'EXPOSE')?.args).toBe('8080 8765');
    const cmd = JSON.parse(runtime.find((i) => i.keyword === 'CMD')?.args ?? '[]');
    expect(cmd).toEqual(['node', '--import', 'tsx', 'src/server/main.ts']);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });
});

describe('.dockerignore', () => {
  it('keeps secrets and local state out of the build context but not what the image copies', () => {
    const patterns = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    for (const kept of ['.env', 'node_modules', 'data', 'logs', 'migration_backup', '.git']) {
      expect(patterns).toContain(kept);
    }
    for (const needed of [
      'package.json',
      'package-lock.json',
      'src',
      'drizzle',
      'scripts',
      'vite.config.ts',
    ]) {
      expect(patterns).not.toContain(needed);
    }
  });
});

describe('docker-compose.yml', () => {
  it('is valid YAML with the server service, its ports, .env and volumes', () => {
    const doc = parseDocument(readFileSync('docker-compose.yml', 'utf8'));
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(service.build).toBe('.');
    expect(service.ports).toEqual(['8080:8080', '8765:8765']);
    expect(service.env_file).toBe('.env');
    for (const value of Object.values(service.environment)) expect(typeof value).toBe('string');
    expect(service.environment.DATABASE_URL).toMatch(/^\/app\/data\//);
    expect(service.environment.LOG_FILE).toMatch(/^\/app\/logs\//);
    const volumes = (service.volumes as string[]).map((v) => v.split(':'));
    expect(volumes.map(([, path]) => path)).toEqual(['/app/data', '/app/logs']);
    for (const [name] of volumes) expect(compose.volumes).toHaveProperty(name as string);
  });

  it('is already what the migration script wants (step 5 leaves it alone)', () => {
    const text = readFileSync('docker-compose.yml', 'utf8');
    expect(updateCompose(text, 8765)).toBe(text);
  });

  it('has health checks (compose and image) that pass while healthy and fail once degraded', async () => {
    const fromCompose = service.healthcheck.test.slice(1) as string[];
    // A plain YAML scalar with ": " in it would turn into a map: every part must stay a string.
    for (const part of fromCompose) expect(typeof part).toBe('string');
    expect(service.healthcheck.test[0]).toBe('CMD');
    const healthcheck = dockerfile.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    const fromImage = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[];
    const app = await startTestServer();
    try {
      const port = Number(new URL(app.httpUrl).port);
      expect(await runCheck(fromCompose, port)).toBe(0);
      expect(await runCheck(fromImage, port)).toBe(0);
      await app.services.repo.close();
      expect(await runCheck(fromCompose, port)).toBe(1);
      expect(await runCheck(fromImage, port)).toBe(1);
    } finally {
      await app.stop();
    }
  });
});
