// npm run import:original into PostgreSQL (DATABASE_URL=postgres://…): the same import, rerun and refusal as on
// SQLite, through the PostgreSQL import repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { agentsRepositoryFor, openRepository } from '../helpers/storage';
import { makeOriginalInstall, runImport, storeMessage } from './import-original.fixture';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup(options: Parameters<typeof makeOriginalInstall>[0] = {}) {
  const from = makeOriginalInstall(options);
  const here = mkdtempSync(join(tmpdir(), 'ocs-import-pg-'));
  dirs.push(from, here);
  return { from, here, env: { DATABASE_URL: await server.createDatabase() } };
}

async function stored(url: string) {
  const repo = await openRepository(url);
  try {
    return {
      messages: await repo.history(null, 200),
      employees: await agentsRepositoryFor(repo).listAgents(),
    };
  } finally {
    await repo.close();
  }
}

async function mapRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM import_map')).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('npm run import:original (PostgreSQL)', () => {
  it('imports employees and history in order, replies mapped; a rerun is a no-op; a reused message_id is new', async () => {
    const { from, here, env } = await setup();
    const run = await runImport(['--from', from], env, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'messages:  7 in the original: 6 imported, 0 skipped as duplicates, 1 skipped',
    );

    const first = await stored(env.DATABASE_URL);
    expect(first.employees.map((e) => `${e.name}:${e.smartness}`)).toEqual([
      'alice:smart',
      'bob:normal',
      'carol:normal',
    ]);
    expect(first.messages.map((m) => [m.sender, m.senderKind, m.mentions, m.origin])).toEqual([
      ['stanley', 'user', ['alice'], 'import'],
      ['alice', 'agent', ['stanley'], 'import'],
      ['stanley', 'user', [], 'import'],
      ['bob', 'agent', [], 'import'],
      ['system', 'system', [], 'import'],
      ['carol', 'agent', ['bob'], 'import'],
    ]);
    expect(first.messages[3]?.text).toBe('Ünïcödé — 日本語 ✓; mail bob@example.com, not a mention');
    expect(first.messages[1]?.replyTo).toBe(first.messages[0]?.id);
    expect(first.messages[5]?.replyTo).toBe(first.messages[3]?.id);
    expect(first.messages.map((m) => m.createdAt)).toEqual(
      [...first.messages.map((m) => m.createdAt)].sort(),
    );

    const again = await runImport(['--from', from], env, here);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('messages:  7 in the original: 0 imported, 6 skipped as duplicates');
    expect(again.stdout).toContain('employees: 3 in the original: 0 imported, 3 skipped as duplicates');
    expect(await stored(env.DATABASE_URL)).toEqual(first);

    // The original restarted and reused message_ids "1" and "2" (INSERT OR REPLACE): new messages, imported.
    const chat = new Database(join(from, 'chat_history.db'));
    storeMessage(chat, {
      message_id: '1',
      sender: 'stanley',
      text: 'back again',
      timestamp: '2025-06-03 10:00:00',
    });
    storeMessage(chat, {
      message_id: '2',
      sender: 'alice',
      text: 'welcome back',
      timestamp: '2025-06-03 10:00:01',
      reply_to: '1',
    });
    chat.close();
    const third = await runImport(['--from', from], env, here);
    expect(third.stdout).toContain('messages:  7 in the original: 2 imported, 4 skipped as duplicates');
    const [back, welcome] = (await stored(env.DATABASE_URL)).messages.slice(-2);
    expect(back?.text).toBe('back again');
    expect(welcome?.replyTo).toBe(back?.id);
  });

  it('writes nothing when a row must be refused, and imports the rest in one transaction with --skip-bad', async () => {
    const { from, here, env } = await setup({ bad: true });
    const refused = await runImport(['--from', from], env, here);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('text is 5000 characters');
    expect(await stored(env.DATABASE_URL)).toEqual({ messages: [], employees: [] });
    expect(await mapRows(env.DATABASE_URL)).toBe(0);

    const skipped = await runImport(['--from', from, '--skip-bad'], env, here);
    expect(skipped.code, skipped.stderr).toBe(0);
    const { messages, employees } = await stored(env.DATABASE_URL);
    expect(messages).toHaveLength(6);
    expect(employees).toHaveLength(3);
    expect(await mapRows(env.DATABASE_URL)).toBe(9);
  });
});
