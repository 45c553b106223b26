// Regression: the app stopped without stopping the task timeline's tailer, so on PostgreSQL a doorbell heard while
// the database was closing made it read a closed pool and log "task timeline: could not read new entries".
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src/server/db/pg/locks';
import type { PgRepository } from '../../../src/server/db/pg/pg-repository';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { startTestServer, tempDir } from '../../helpers/server';
import { openRepository } from '../../helpers/storage';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

/** A logger that keeps every line it writes, parsed. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('stopping the app on PostgreSQL', () => {
  it('stops the task timeline before the database closes, so a late doorbell logs no read warning', async () => {
    const url = await postgres.createDatabase();
    const repo = (await openRepository(url)) as PgRepository;
    const { logger, lines } = capturingLogger();
    const app = await startTestServer(
      { DATABASE_URL: url, PROJECT_ROOT: tempDir('ocs-stop-') },
      { repo, logger },
    );
    // While this instance closes its database, another one rings the timeline doorbell twice, with the table
    // locked so the read it starts is still in flight (and a second one owed) when the pool ends.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query(`LISTEN ${CHANNELS.tasks}`);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    const ring = async () => {
      const heard = new Promise<void>((done) => other.once('notification', () => done()));
      await other.query('SELECT pg_notify($1, $2)', [CHANNELS.tasks, 'another-instance']);
      await heard;
      // The app's LISTEN connection hears the same notification; give its tailer the moment to start reading.
      await new Promise((r) => setTimeout(r, 200));
    };
    repo.onClose(async () => {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE task_events IN ACCESS EXCLUSIVE MODE');
      await ring();
      await ring();
      // Released once the pool is ending (after this closer and the bus's).
      setTimeout(() => void locker.query('COMMIT'), 300);
    });

    await app.stop();
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([other.end(), locker.end()]);

    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    expect(lines.some((l) => l.msg === 'server stopped')).toBe(true);
  }, 60_000);
});
