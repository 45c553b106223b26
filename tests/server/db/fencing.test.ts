// Fencing of the Telegram role on PostgreSQL: the bridge's writes go through the leader's lock connection and are
// refused once that backend no longer holds the lock, so a stale leader cannot mark rows sent or move the cursor.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCKS } from '../../../src/server/db/pg/locks';
import { leaderApplicationName, PgLeader } from '../../../src/server/db/pg/pg-leader';
import { PgRepository } from '../../../src/server/db/pg/pg-repository';
import { PgTransportRepository } from '../../../src/server/db/pg/pg-transport-repository';
import { STATE_FORWARD_CURSOR, type TransportRepository } from '../../../src/server/db/transport-repository';
import { RoleLostError } from '../../../src/server/ports/leader-lease';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { waitFor } from '../../helpers/server';
import { openRepository, transportRepositoryFor } from '../../helpers/storage';

const logger = pino({ level: 'silent' });
let postgres: TestPostgres;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await postgres?.stop();
});

interface Contender {
  leader: PgLeader;
  store: TransportRepository;
  log: string[];
}

/** One instance's Telegram role and bridge storage, on its own pool. */
async function contender(url: string, retryMs: number): Promise<Contender> {
  const repo = await PgRepository.open(url);
  const leader = new PgLeader(url, LOCKS.telegram, 'telegram', logger, retryMs);
  const log: string[] = [];
  cleanup.push(async () => {
    await leader.close();
    await repo.close();
  });
  await leader.run(
    async () => {
      log.push('leads');
    },
    async () => {
      log.push('resigns');
    },
  );
  return { leader, store: new PgTransportRepository(repo.database, leader), log };
}

const part = { chatId: '-1', html: 'x', replyTo: null, part: 1, parts: 1 };

describe('fenced Telegram writes on PostgreSQL', () => {
  it('refuses a stale leader whose lock is gone though its connection lives, and lets the new holder write', async () => {
    const url = await postgres.createDatabase();
    const stale = await contender(url, 600_000);
    expect(stale.leader.isLeader).toBe(true);
    await stale.store.enqueue([{ ...part, messageId: 1 }], 1);
    const row = await stale.store.nextOutbox();
    expect(row).not.toBeNull();

    // The lock goes away while the process and its connection live on (only the session itself can release it).
    await stale.leader.fenced((tx) => tx.execute(sql`SELECT pg_advisory_unlock(${LOCKS.telegram})`));
    const next = await contender(url, 100);
    await waitFor(() => next.leader.isLeader, 5000, 'the other instance takes the role');
    expect(stale.leader.isLeader).toBe(true); // stale: it has not noticed yet

    await expect(stale.store.markSent(row as NonNullable<typeof row>, 500)).rejects.toBeInstanceOf(
      RoleLostError,
    );
    await waitFor(() => stale.log.includes('resigns'), 5000, 'the stale leader resigns');
    expect(stale.leader.isLeader).toBe(false);
    await expect(stale.store.confirmRole()).rejects.toBeInstanceOf(RoleLostError);
    await expect(stale.store.enqueue([{ ...part, messageId: 2 }], 2)).rejects.toBeInstanceOf(RoleLostError);

    // Nothing of the stale leader's landed; the new holder's writes do.
    expect(await next.store.getState(STATE_FORWARD_CURSOR)).toBe('1');
    expect(await next.store.outboxDepth()).toBe(1);
    await next.store.confirmRole();
    await next.store.markSent(row as NonNullable<typeof row>, 500);
    expect([await next.store.outboxDepth(), await next.store.telegramIdFor('-1', 1)]).toEqual([0, 500]);
  });

  it('refuses writes once the lock connection is terminated', async () => {
    const url = await postgres.createDatabase();
    const stale = await contender(url, 600_000);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [leaderApplicationName('telegram')],
    );
    await admin.end();
    expect(killed.rowCount).toBe(1);
    await expect(stale.store.enqueue([{ ...part, messageId: 1 }], 1)).rejects.toBeInstanceOf(RoleLostError);
    await waitFor(() => stale.log.includes('resigns'), 5000, 'the leader resigns');
    // Read through an unfenced store: the refused write left nothing behind.
    const repo = await openRepository(url);
    cleanup.push(() => repo.close());
    const plain = transportRepositoryFor(repo);
    expect([await plain.getState(STATE_FORWARD_CURSOR), await plain.outboxDepth()]).toEqual([null, 0]);
  });

  it('lets ordinary SQL errors through without resigning', async () => {
    const url = await postgres.createDatabase();
    const leader = await contender(url, 600_000);
    await expect(leader.leader.fenced((tx) => tx.execute(sql`SELECT 1/0`))).rejects.not.toBeInstanceOf(
      RoleLostError,
    );
    expect(leader.leader.isLeader).toBe(true);
    await leader.store.confirmRole();
  });
});
