// The SQLite repository in memory (commits in the calling thread) and on a file (commits in the writer thread).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingReplyError } from '../../../src/server/db/repository';
import { SqliteRepository } from '../../../src/server/db/sqlite-repository';
import { newMessage } from '../../helpers/messages';

const msg = newMessage;
const dir = mkdtempSync(join(tmpdir(), 'ocs-sqlite-repo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describe.each([
  ['in memory', () => ':memory:'],
  ['on a file', () => join(dir, `repo-${++files}.db`)],
])('SqliteRepository %s', (_where, url) => {
  const open = () => SqliteRepository.open(url());

  it('commits concurrent appends together, in order, with increasing ids', async () => {
    const repo = open();
    const saved = await Promise.all(Array.from({ length: 100 }, (_, i) => repo.appendMessage(msg(`m${i}`))));
    expect(saved.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await repo.messagesAfter(0, 500)).map((m) => m.text)).toEqual(saved.map((m) => m.text));
    await repo.close();
  });

  it('rejects only the message whose replyTo is missing, and writes nothing for it', async () => {
    const repo = open();
    const results = await Promise.allSettled([
      repo.appendMessage(msg('first')),
      repo.appendMessage(msg('orphan', 999)),
      repo.appendMessage(msg('reply to first', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(MissingReplyError);
    expect((await repo.messagesAfter(0, 10)).map((m) => [m.text, m.replyTo])).toEqual([
      ['first', null],
      ['reply to first', 1],
    ]);
    await repo.close();
  });

  it('pages history back in time, oldest first within a page', async () => {
    const repo = open();
    for (let i = 1; i <= 5; i++) await repo.appendMessage(msg(`m${i}`));
    expect((await repo.history(null, 2)).map((m) => m.id)).toEqual([4, 5]);
    expect((await repo.history(4, 2)).map((m) => m.id)).toEqual([2, 3]);
    expect((await repo.history(2, 2)).map((m) => m.id)).toEqual([1]);
    await repo.close();
  });

  it('counts messages by origin and per hour', async () => {
    const repo = open();
    await repo.appendMessage(msg('a'));
    await repo.appendMessage({ ...msg('b'), origin: 'websocket' });
    const stats = await repo.messageStats();
    expect(stats.total).toBe(2);
    expect(stats.byOrigin).toEqual({ api: 1, websocket: 1 });
    expect(stats.perHour).toHaveLength(24);
    expect(stats.perHour.at(-1)?.count).toBe(2);
    await repo.close();
  });

  it('stores settings', async () => {
    const repo = open();
    expect(await repo.getSetting('k')).toBeNull();
    await repo.setSetting('k', 'one');
    await repo.setSetting('k', 'two');
    expect(await repo.getSetting('k')).toBe('two');
    await repo.close();
  });
});
