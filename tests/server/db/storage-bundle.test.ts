// openStorage picks the dialect once and hands out that dialect's parts: the same lease per role, one cluster link,
// the Telegram store fenced by the bundle's own lease, and everything closed with the storage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../../src/server/db/sqlite-repository';
import { openStorage, storageOf } from '../../../src/server/db/storage';
import { STATE_FORWARD_CURSOR } from '../../../src/server/db/transport-repository';
import { RoleLostError } from '../../../src/server/ports/leader-lease';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';

const logger = pino({ level: 'silent' });
let postgres: TestPostgres;
const fileDir = mkdtempSync(join(tmpdir(), 'ocs-bundle-'));
let files = 0;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(fileDir, { recursive: true, force: true });
});

const dialects: [string, () => Promise<string>][] = [
  ['sqlite file', async () => join(fileDir, `bundle-${++files}.db`)],
  ['postgres', () => postgres.createDatabase()],
];

describe.each(dialects)('the storage bundle on %s', (_name, databaseUrl) => {
  it('gives one lease per role and one cluster link, and finds the bundle from its repository', async () => {
    const storage = await openStorage(await databaseUrl());
    try {
      expect(storage.leader('agents', logger)).toBe(storage.leader('agents', logger));
      expect(storage.leader('agents', logger)).not.toBe(storage.leader('telegram', logger));
      const errors: unknown[] = [];
      const cluster = await storage.connect(logger, (error) => errors.push(error));
      expect(await storage.connect(logger, () => {})).toBe(cluster);
      expect(storageOf(storage.messages)).toBe(storage);

      // The bus delivers what is published here, and a failing listener is reported without starving the others.
      const seen: string[] = [];
      cluster.bus.subscribe(() => {
        throw new Error('listener broke');
      });
      cluster.bus.subscribe((event) => {
        if (event.type === 'activity' && event.activity.type === 'typing') seen.push(event.activity.user);
      });
      cluster.bus.publish({
        type: 'activity',
        activity: { type: 'typing', user: 'ada', isTyping: true, at: new Date().toISOString() },
      });
      await expect.poll(() => seen).toEqual(['ada']);
      expect(errors).toHaveLength(1);
    } finally {
      await storage.close();
    }
  });

  it('keeps every repository of the bundle on the one database', async () => {
    const url = await databaseUrl();
    const storage = await openStorage(url);
    await storage.agents.insertAgent({
      name: 'ada',
      role: 'dev',
      smartness: 'normal',
      hiredBy: 'root',
      hiredAt: new Date().toISOString(),
    });
    await storage.audit.record({ actor: 'root', action: 'employees.hire', target: 'ada' });
    await storage.transports().setState(STATE_FORWARD_CURSOR, '7');
    await storage.close();

    const again = await openStorage(url);
    try {
      expect((await again.agents.listAgents()).map((e) => e.name)).toEqual(['ada']);
      expect((await again.audit.list({ before: null, limit: 5 })).map((e) => e.target)).toEqual(['ada']);
      expect(await again.transports().getState(STATE_FORWARD_CURSOR)).toBe('7');
    } finally {
      await again.close();
    }
  });
});

describe('the storage bundle on PostgreSQL', () => {
  it("fences the Telegram store by the bundle's own lease: no write commits until the role is held", async () => {
    const storage = await openStorage(await postgres.createDatabase());
    try {
      const role = storage.leader('telegram', logger);
      const fenced = storage.transports(role);
      await expect(fenced.setState(STATE_FORWARD_CURSOR, '1')).rejects.toBeInstanceOf(RoleLostError);
      expect(await storage.transports().getState(STATE_FORWARD_CURSOR)).toBeNull();

      await role.run(
        async () => {},
        async () => {},
      );
      await fenced.setState(STATE_FORWARD_CURSOR, '2');
      expect(await storage.transports().getState(STATE_FORWARD_CURSOR)).toBe('2');
    } finally {
      await storage.close();
    }
  });
});

describe('storageOf', () => {
  it('says how to open a repository it does not know', async () => {
    const repo = SqliteRepository.open(':memory:');
    try {
      expect(() => storageOf(repo)).toThrow(/openStorage/);
    } finally {
      await repo.close();
    }
  });
});
