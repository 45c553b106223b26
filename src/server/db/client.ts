// Opens the SQLite database: file location, durability pragmas, migrations from drizzle/.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/**
 * Where a SQLite DATABASE_URL points: a plain path or `:memory:`; SQLAlchemy's forms as the Python version wrote
 * them (`sqlite:///relative.db` is relative to the working directory, `sqlite:////abs.db` absolute, `sqlite://`
 * in memory, `sqlite+pysqlite:` too); `file:` URLs (`file:///abs.db`, `file://localhost/abs.db`, `file:rel.db`;
 * query and fragment dropped, %-escapes decoded). The older short forms `sqlite:path` and `sqlite://path` stay.
 */
export function sqlitePath(url: string): string {
  const alchemy = /^sqlite(?:\+\w+)?:(.*)$/s.exec(url);
  if (alchemy) {
    let rest = (alchemy[1] ?? '').replace(/\?.*$/s, '');
    // After the (empty) authority `//`, one `/` separates it from the path, as in any URL.
    if (rest.startsWith('//')) rest = rest.slice(2).replace(/^\//, '');
    return rest === '' ? ':memory:' : rest;
  }
  if (url.startsWith('file:')) {
    let rest = url.slice('file:'.length).replace(/[?#].*$/s, '');
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      const host = rest.slice(2, slash < 0 ? undefined : slash);
      if (host !== '' && host !== 'localhost') {
        throw new Error(
          `DATABASE_URL ${url} names the host "${host}": use file:${host}${slash < 0 ? '' : rest.slice(slash)} for a relative path or file:///absolute/path`,
        );
      }
      rest = slash < 0 ? '' : rest.slice(slash);
    }
    rest = decodeURIComponent(rest);
    return rest === '' ? ':memory:' : rest;
  }
  return url;
}

/**
 * The Python version kept agents and file locks in a SQLite file its .env also called DATABASE_URL; opening
 * that file here would fail half-way through our migrations (its `employees` table is not ours). Say so instead.
 */
function refuseOriginalDatabase(sqlite: Database.Database, path: string): void {
  const tables = new Set(
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  if (tables.has('__drizzle_migrations') || !(tables.has('file_locks') || tables.has('conversations')))
    return;
  sqlite.close();
  throw new Error(
    `DATABASE_URL points at ${path}, a database of the Python version: this project keeps its own. Point DATABASE_URL at a new file (e.g. ./data/opencode-slack.db) and bring the old data over with npm run import:original -- --from <its directory>`,
  );
}

export function openSqlite(url: string): { sqlite: Database.Database; db: Db } {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  refuseOriginalDatabase(sqlite, path);
  // WAL + synchronous=FULL: a commit is on disk before the sender is told, so it survives kill -9 and power loss.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { sqlite, db };
}
