// Commits of a database file run in the writer thread and WAL checkpoints in the checkpointer thread: the event loop
// never waits for the disk, the WAL stays bounded, shutdown drains and a dead thread is said out loud.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/server/app';
import { loadConfig } from '../../../src/server/config';
import { SqliteRepository } from '../../../src/server/db/sqlite-repository';
import {
  InlineCommitter,
  type ThreadCommitter,
  WriterStoppedError,
} from '../../../src/server/db/sqlite-writer';
import { checkHealth } from '../../../src/server/health';
import { newMessage } from '../../helpers/messages';
import { testConfig } from '../../helpers/services';
import { openRepository } from '../../helpers/storage';

const dir = mkdtempSync(join(tmpdir(), 'ocs-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `w-${++files}.db`);
const turns = (n: number) =>
  new Promise<void>((resolve) => {
    let left = n;
    const next = () => (--left <= 0 ? resolve() : setTimeout(next, 5));
    setTimeout(next, 5);
  });
const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

describe('SQLite writer thread', () => {
  it('keeps the event loop, reads and timers going while a commit waits for the database', async () => {
    const file = newFile();
    const repo = await openRepository(file);
    await repo.appendMessage(newMessage('before'));
    // Another connection holds the write lock, as a long fsync would: the commit has to wait for it.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    let settled = false;
    const pending = repo.appendMessage(newMessage('waits')).finally(() => {
      settled = true;
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    await turns(20);
    clearInterval(ticker);
    // The main thread went on: timers fired, committed messages can be read, the append is still waiting.
    expect(ticks).toBeGreaterThan(5);
    expect((await repo.messagesAfter(0, 10)).map((m) => m.text)).toEqual(['before']);
    expect(settled).toBe(false);
    other.exec('COMMIT');
    other.close();
    expect((await pending).text).toBe('waits');
    expect((await repo.messagesAfter(0, 10)).map((m) => m.text)).toEqual(['before', 'waits']);
    await repo.close();
  });

  it('keeps the WAL bounded with commits back to back and no reader (checkpoints run off the commit path)', async () => {
    const file = newFile();
    const limit = 256 * 1024;
    const repo = SqliteRepository.open(file, {
      wal: { walLimitBytes: limit, checkpointIntervalMs: 10, restartWaitMs: 1000 },
    });
    await repo.ready();
    const text = 'x'.repeat(3000);
    let largest = 0;
    let written = 0;
    // A window of appends always in flight: the writer never pauses on its own, so only the limit lets the WAL restart.
    const total = 3000;
    await new Promise<void>((resolve, reject) => {
      let started = 0;
      const startOne = () => {
        started++;
        repo.appendMessage(newMessage(text)).then(() => {
          largest = Math.max(largest, walSize(file));
          if (++written === total) resolve();
          else if (started < total) startOne();
        }, reject);
      };
      for (let i = 0; i < 64; i++) startOne();
    });
    // ~9 MB of messages went through a WAL never much larger than its limit (a group or two past it).
    expect(written * text.length).toBeGreaterThan(30 * limit);
    expect(largest).toBeLessThan(limit + 1024 * 1024);
    expect(await repo.lastMessageId()).toBe(total);
    await repo.close();
  });

  it('drains every append already made when it closes, then finds them all after reopening', async () => {
    const file = newFile();
    const repo = await openRepository(file);
    const appends = Array.from({ length: 500 }, (_, i) => repo.appendMessage(newMessage(`m${i}`)));
    await repo.close();
    const saved = await Promise.all(appends);
    expect(saved.map((m) => m.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const again = await openRepository(file);
    expect(await again.lastMessageId()).toBe(500);
    await again.close();
    // The last connection out copied the WAL back and removed it.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('lets a script that never closes the repository exit, its appends committed', async () => {
    const file = newFile();
    const script = join(dir, 'forgets-close.mts');
    const storage = fileURLToPath(new URL('../../helpers/storage.ts', import.meta.url));
    writeFileSync(
      script,
      `import { openRepository } from ${JSON.stringify(storage)};
const repo = await openRepository(${JSON.stringify(file)});
const m = await repo.appendMessage({ text: 'kept', sender: 'a', senderKind: 'user', mentions: [], isCommand: false,
  command: null, commandArgs: [], replyTo: null, origin: 'api', clientId: null });
console.log('saved', m.id);
`,
    );
    // The threads must not keep the process alive once nothing is left to commit (the test times out if they do).
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(output).toContain('saved 1');
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT text FROM messages').pluck().all()).toEqual(['kept']);
    reader.close();
  });

  it('fails appends loudly once the writer thread dies, logs it and reports the database down', async () => {
    const file = newFile();
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const services = await createServices(testConfig({ DATABASE_URL: file }), { logger });
    await services.hub.post({ text: 'hello', sender: 'alice', senderKind: 'user' }, 'api');
    const repo = services.repo as SqliteRepository;
    const writer = repo.committer as ThreadCommitter;
    // The thread dies as a crash would (a native fault, an out-of-memory kill).
    await writer.worker.terminate();
    await expect(
      services.hub.post({ text: 'lost?', sender: 'alice', senderKind: 'user' }, 'api'),
    ).rejects.toThrow(WriterStoppedError);
    expect(lines.some((l) => l.includes('database thread stopped'))).toBe(true);
    const health = await checkHealth(services);
    expect(health.status).toBe('degraded');
    expect(health.components.database).toMatchObject({
      status: 'down',
      error: expect.stringContaining('writer thread stopped'),
    });
    // Reads still work: what was committed is there.
    expect((await repo.messagesAfter(0, 10)).map((m) => m.text)).toEqual(['hello']);
    await services.agents.stop();
    await services.transports.stop();
    await services.agents.timeline.stop();
    await repo.close();
  });

  it('commits in the main thread with SQLITE_WRITER=inline, and names the setting when its value is wrong', async () => {
    const services = await createServices(testConfig({ DATABASE_URL: newFile(), SQLITE_WRITER: 'inline' }), {
      logger: pino({ level: 'silent' }),
    });
    const repo = services.repo as SqliteRepository;
    expect(repo.committer).toBeInstanceOf(InlineCommitter);
    expect(repo.checkpointer).toBeNull();
    expect((await services.hub.post({ text: 'hi', sender: 'alice', senderKind: 'user' }, 'api')).id).toBe(1);
    await services.agents.stop();
    await services.transports.stop();
    await services.agents.timeline.stop();
    await repo.close();
    expect(() => loadConfig({ SQLITE_WRITER: 'fork' })).toThrow(/SQLITE_WRITER must be thread/);
  });
});
