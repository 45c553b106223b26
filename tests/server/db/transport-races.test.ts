// The Telegram bridge's storage under concurrent writers, on both dialects (two connections to one database, as two
// callers or two instances): counters and the update offset change in SQL, so no write is lost and nothing goes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../../src/server/db/repository';
import { STATE_UPDATE_OFFSET, type TransportRepository } from '../../../src/server/db/transport-repository';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { openRepository, transportRepositoryFor } from '../../helpers/storage';

let postgres: TestPostgres;
const fileDir = mkdtempSync(join(tmpdir(), 'ocs-transport-races-'));
let files = 0;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(fileDir, { recursive: true, force: true });
});

const dialects: [string, () => Promise<string>][] = [
  ['sqlite file', async () => join(fileDir, `races-${++files}.db`)],
  ['postgres', () => postgres.createDatabase()],
];

describe.each(dialects)('Telegram bridge storage under concurrent writers on %s', (_name, databaseUrl) => {
  /** Two stores on two connections to one fresh database. */
  const withStores = async (body: (a: TransportRepository, b: TransportRepository) => Promise<void>) => {
    const url = await databaseUrl();
    const repos: Repository[] = [];
    try {
      repos.push(await openRepository(url));
      repos.push(await openRepository(url));
      await body(
        transportRepositoryFor(repos[0] as Repository),
        transportRepositoryFor(repos[1] as Repository),
      );
    } finally {
      for (const repo of repos) await repo.close();
    }
  };

  it('counts every send attempt when several are recorded at once', () =>
    withStores(async (a, b) => {
      await a.enqueue([{ chatId: '-1', html: 'x', replyTo: null, part: 1, parts: 1, messageId: 1 }], 1);
      const item = await a.nextOutbox();
      const id = item?.id ?? 0;
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).recordAttempt(id, `timeout ${i}`)),
      );
      expect(await a.nextOutbox()).toMatchObject({ id, attempts: 20 });
    }));

  it('never moves the update offset back when updates complete at once', () =>
    withStores(async (a, b) => {
      // Highest first: were the offset read then written, a lower update committing later would win.
      const ids = Array.from({ length: 20 }, (_, i) => 119 - i);
      await Promise.all(ids.map((id, i) => (i % 2 ? a : b).completeUpdate(id, null, 'other chat')));
      expect(await a.getState(STATE_UPDATE_OFFSET)).toBe('119');
      // A late, lower update completes: it is recorded, the offset stays.
      await b.completeUpdate(50, null, 'late');
      expect([await a.getState(STATE_UPDATE_OFFSET), await a.updateStatus(50)]).toEqual(['119', 'skipped']);
    }));

  it('records a completed update whether or not it was begun', () =>
    withStores(async (a, b) => {
      await a.beginUpdate({ updateId: 7, lastIdBefore: 3, payload: '{"a":1}' });
      await Promise.all([
        a.completeUpdate(7, { messageId: 3, chatId: '-1', telegramMessageId: 70 }),
        b.completeUpdate(8, null, 'not a message'),
      ]);
      expect([await b.updateStatus(7), await a.updateStatus(8)]).toEqual(['done', 'skipped']);
      expect(await b.messageIdFor('-1', 70)).toBe(3);
      expect(await a.pendingUpdates()).toEqual([]);
    }));
});
