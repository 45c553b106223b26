// npm run import:original against installs of the Python version built with its own schemas, into SQLite:
// what comes over and how, reruns, a message_id the original reused, refused rows, dry runs, its .env.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { agentsRepositoryFor, openRepository } from '../helpers/storage';
import { makeOriginalInstall, runImport, storeMessage } from './import-original.fixture';

const dirs: string[] = [];
const temp = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh install of the original and an empty target database for this project. */
function setup(options: Parameters<typeof makeOriginalInstall>[0] = {}) {
  const from = temp(makeOriginalInstall(options));
  const here = temp(mkdtempSync(join(tmpdir(), 'ocs-import-target-')));
  return { from, here, env: { DATABASE_URL: join(here, 'chat.db') } };
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

describe('npm run import:original (SQLite)', () => {
  it('imports employees and the history in timestamp order: replies mapped, mentions re-parsed, origin import', async () => {
    const { from, here, env } = setup();
    const run = await runImport(['--from', from], env, here);
    expect(run.code, run.stderr).toBe(0);

    const { messages, employees } = await stored(env.DATABASE_URL);
    expect(employees.map((e) => [e.name, e.role, e.smartness, e.hiredBy, e.hiredAt])).toEqual([
      ['alice', 'developer', 'smart', 'import', '2025-06-01T08:00:00.000Z'],
      ['bob', 'designer', 'normal', 'import', '2025-06-01T08:30:00.000Z'],
      ['carol', 'tester', 'normal', 'import', '2025-06-02T09:04:00.000Z'],
    ]);
    expect(
      messages.map((m) => ({
        text: m.text,
        sender: m.sender,
        kind: m.senderKind,
        mentions: m.mentions,
        command: m.command,
        at: m.createdAt,
      })),
    ).toEqual([
      {
        text: 'Hi team 👋 @alice can you fix the login?',
        sender: 'stanley',
        kind: 'user',
        mentions: ['alice'],
        command: null,
        at: '2025-06-02T09:00:00.123Z',
      },
      {
        text: "On it — @stanley, I'll check src/auth.py",
        sender: 'alice',
        kind: 'agent',
        mentions: ['stanley'],
        command: null,
        at: '2025-06-02T09:00:05.000Z',
      },
      {
        text: '/status alice',
        sender: 'stanley',
        kind: 'user',
        mentions: [],
        command: 'status',
        at: '2025-06-02T09:01:00.000Z',
      },
      {
        text: 'Ünïcödé — 日本語 ✓; mail bob@example.com, not a mention',
        sender: 'bob',
        kind: 'agent',
        mentions: [],
        command: null,
        at: '2025-06-02T09:02:00.500Z',
      },
      {
        text: 'carol was hired as tester',
        sender: 'system',
        kind: 'system',
        mentions: [],
        command: null,
        at: '2025-06-02T09:04:00.000Z',
      },
      {
        // "Carol" in the original: employees are lower-case here; "@Bob-bot" means @bob.
        text: '@Bob-bot thanks!',
        sender: 'carol',
        kind: 'agent',
        mentions: ['bob'],
        command: null,
        at: '2025-06-02T09:05:00.000Z',
      },
    ]);
    expect(messages.every((m) => m.origin === 'import')).toBe(true);
    const [hi, onIt, , unicode, , thanks] = messages;
    expect(onIt?.replyTo).toBe(hi?.id);
    expect(thanks?.replyTo).toBe(unicode?.id);

    expect(run.stdout).toContain(
      'employees: 3 in the original: 3 imported, 0 skipped as duplicates, 0 refused',
    );
    expect(run.stdout).toContain(
      'messages:  7 in the original: 6 imported, 0 skipped as duplicates, 1 skipped, 0 refused',
    );
    expect(run.stdout).toContain('message "5" of 2025-06-02 09:03:00: empty text: nothing to import');
    expect(run.stdout).toContain('replies:   2 linked to the new ids');
    expect(run.stdout).toContain('conversations: 2 (design, main) went into the one conversation');
    expect(run.stdout).toContain(
      'not imported: 1 file lock still held (src/auth.py (alice)); this project has no file locks',
    );
    expect(run.stdout).toContain(
      'not imported: 1 file request still pending (src/auth.py (bob asked alice))',
    );
    expect(run.stderr).toContain('messages: 7/7 (100%)');

    // The original conversation of each message is remembered for when channels exist.
    const db = new Database(env.DATABASE_URL, { readonly: true });
    const conversations = db
      .prepare("SELECT original_id, conversation FROM import_map WHERE kind = 'message' ORDER BY original_id")
      .all();
    db.close();
    expect(conversations).toEqual([
      { original_id: '1', conversation: 'main' },
      { original_id: '2', conversation: 'main' },
      { original_id: '3', conversation: 'main' },
      { original_id: '4', conversation: 'design' },
      { original_id: '6', conversation: 'main' },
      { original_id: '7', conversation: 'design' },
    ]);
  });

  it('imports nothing twice: a second run is a no-op that reports every row as a duplicate', async () => {
    const { from, here, env } = setup();
    expect((await runImport(['--from', from], env, here)).code).toBe(0);
    const first = await stored(env.DATABASE_URL);

    const again = await runImport(['--from', from], env, here);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('employees: 3 in the original: 0 imported, 3 skipped as duplicates');
    expect(again.stdout).toContain('messages:  7 in the original: 0 imported, 6 skipped as duplicates');
    expect(await stored(env.DATABASE_URL)).toEqual(first);
  });

  it('imports a message_id the original reused after a restart as the new message it is, replies included', async () => {
    const { from, here, env } = setup();
    expect((await runImport(['--from', from], env, here)).code).toBe(0);
    // The original restarted (its ids begin at 1 again) and INSERT OR REPLACE overwrote message "1".
    const chat = new Database(join(from, 'chat_history.db'));
    storeMessage(chat, {
      message_id: '1',
      sender: 'stanley',
      text: 'back after the restart',
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

    const again = await runImport(['--from', from], env, here);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('messages:  7 in the original: 2 imported, 4 skipped as duplicates');
    const { messages } = await stored(env.DATABASE_URL);
    expect(messages).toHaveLength(8);
    const [back, welcome] = messages.slice(-2);
    expect(back?.text).toBe('back after the restart');
    // Replies go to the message with that id at the time, not to the first run's "1".
    expect(welcome?.replyTo).toBe(back?.id);
    expect(messages[0]?.text).toBe('Hi team 👋 @alice can you fix the login?');
  });

  it('writes nothing when a row must be refused, and lists every refused row with its reason', async () => {
    const { from, here, env } = setup({ bad: true });
    const run = await runImport(['--from', from], env, here);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('employee "Dr. Who": name may only use letters, digits, "_" and "-"');
    expect(run.stdout).toContain(
      'message "8" of 2025-06-02 09:06:00: text is 5000 characters, more than the 4096 a message may have here',
    );
    expect(run.stderr).toContain('Nothing was imported');
    expect(run.stderr).toContain('--skip-bad');
    expect(await stored(env.DATABASE_URL)).toEqual({ messages: [], employees: [] });
    const db = new Database(env.DATABASE_URL, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM import_map').pluck().get()).toBe(0);
    db.close();
  });

  it('with --skip-bad imports everything else in one transaction and reports the refused rows', async () => {
    const { from, here, env } = setup({ bad: true });
    const run = await runImport(['--from', from, '--skip-bad'], env, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'employees: 4 in the original: 3 imported, 0 skipped as duplicates, 1 refused',
    );
    expect(run.stdout).toContain(
      'messages:  8 in the original: 6 imported, 0 skipped as duplicates, 1 skipped, 1 refused',
    );
    expect(run.stdout).toContain('employee "Dr. Who"');
    const { messages, employees } = await stored(env.DATABASE_URL);
    expect(messages).toHaveLength(6);
    expect(employees.map((e) => e.name)).toEqual(['alice', 'bob', 'carol']);
  });

  it('--dry-run checks everything and writes nothing', async () => {
    const { from, here, env } = setup();
    const run = await runImport(['--from', from, '--dry-run'], env, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Dry run (nothing was written)');
    expect(run.stdout).toContain('messages:  7 in the original: 6 imported');
    expect(await stored(env.DATABASE_URL)).toEqual({ messages: [], employees: [] });
  });

  it('skips employees already on the team here and posts their messages as theirs', async () => {
    const { from, here, env } = setup();
    const repo = await openRepository(env.DATABASE_URL);
    await agentsRepositoryFor(repo).insertAgent({
      name: 'alice',
      role: 'lead',
      smartness: 'normal',
      hiredBy: 'admin',
      hiredAt: '2026-01-01T00:00:00.000Z',
    });
    await repo.close();
    const run = await runImport(['--from', from], env, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('employees: 3 in the original: 2 imported, 1 skipped as duplicates');
    const { employees, messages } = await stored(env.DATABASE_URL);
    expect(employees.find((e) => e.name === 'alice')?.role).toBe('lead');
    expect(messages.find((m) => m.sender === 'alice')?.senderKind).toBe('agent');
  });

  it("finds the databases where the original's .env put them (DATABASE_URL=sqlite:///…, OPENCODE_CHAT_DB)", async () => {
    const { from, here, env } = setup({
      employeesDb: 'var/staff.db',
      chatDb: 'var/history.db',
      env: 'DATABASE_URL=sqlite:///var/staff.db\nOPENCODE_CHAT_DB=var/history.db\n',
    });
    const run = await runImport(['--from', from], env, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`employees: ${join(from, 'var/staff.db')}`);
    expect(run.stdout).toContain(`chat:      ${join(from, 'var/history.db')}`);
    expect((await stored(env.DATABASE_URL)).messages).toHaveLength(6);
  });

  it('offers its Telegram settings for this .env, writing them only when asked and keeping every comment', async () => {
    const { from, here, env } = setup({
      env: '# Telegram\nTELEGRAM_BOT_TOKEN=123456:ABC-secret\nTELEGRAM_CHAT_ID=-100200\nAPI_KEY=your_api_key_here\n',
    });
    const ours = '# this install\nPORT=8080 # the web client\nTELEGRAM_CHAT_ID=1\n';
    writeFileSync(join(here, '.env'), ours);
    const offered = await runImport(['--from', from], env, here);
    expect(offered.code, offered.stderr).toBe(0);
    expect(offered.stdout).toContain('TELEGRAM_BOT_TOKEN=1234… (17 characters)');
    expect(offered.stdout).not.toContain('ABC-secret');
    expect(offered.stdout).toContain('not copied; to copy them, run again with --env yes');
    expect(readFileSync(join(here, '.env'), 'utf8')).toBe(ours);

    const copied = await runImport(['--from', from, '--env', 'yes'], env, here);
    expect(copied.code, copied.stderr).toBe(0);
    expect(readFileSync(join(here, '.env'), 'utf8')).toBe(
      '# this install\nPORT=8080 # the web client\nTELEGRAM_CHAT_ID=-100200\n\n# Added by npm run import:original\nTELEGRAM_BOT_TOKEN=123456:ABC-secret\n',
    );
  });

  it('refuses to run without an install, or into one of its own databases', async () => {
    const { from, here } = setup();
    expect((await runImport([], {}, here)).stderr).toContain(
      '--from must name the directory of the Python install',
    );
    const empty = temp(mkdtempSync(join(tmpdir(), 'ocs-empty-')));
    const none = await runImport(['--from', empty], { DATABASE_URL: join(here, 'x.db') }, here);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Found neither database of the original');
    const into = await runImport(
      ['--from', from],
      { DATABASE_URL: `sqlite:///${join(from, 'employees.db')}` },
      here,
    );
    expect(into.code).toBe(2);
    expect(into.stderr).toContain("is one of the original's own databases");
  });
});
