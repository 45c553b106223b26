// Opens PostgreSQL: a pg pool, drizzle over it, and the migrations in drizzle/pg applied under an advisory lock.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { LOCKS } from './locks';

export type PgDb = NodePgDatabase<Record<string, never>>;
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

const PG_MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../drizzle/pg');

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface PgHandle {
  pool: pg.Pool;
  db: PgDb;
  url: string;
}

/**
 * Ids are bigint (int8), which node-postgres returns as strings so no precision is lost silently. Our ids are far
 * below 2^53, so they come back as numbers, like SQLite's; one beyond that fails loudly instead of rounding.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 ${text} does not fit a JavaScript number`);
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? parseInt8
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgres(url: string, poolSize = 10): Promise<PgHandle> {
  // Per pool rather than pg.types globally: nothing else in the process has its int8 parsing changed behind its back.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client that loses its server must not crash the process: the pool drops it and makes a new one.
  pool.on('error', () => {});
  try {
    await migrateLocked(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { pool, db: drizzle(pool), url };
}

async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCKS.migrate]);
    try {
      await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCKS.migrate]);
    }
  } finally {
    client.release();
  }
}
