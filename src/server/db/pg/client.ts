// Opens PostgreSQL: a pg pool, drizzle over it, and the migrations in drizzle/pg applied under an advisory lock.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { LOCKS } from './locks';

export type PgDb = NodePgDatabase<Record<string, never>>;

export const PG_MIGRATIONS_FOLDER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../drizzle/pg',
);

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface PgHandle {
  pool: pg.Pool;
  db: PgDb;
  url: string;
}

export async function openPostgres(url: string, poolSize = 10): Promise<PgHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
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
