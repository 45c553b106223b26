// Where the database keeps its files on this machine, for the disk check: a folder for SQLite, none for a
// database server (a PostgreSQL URL is a connection string, never a path).
import { dirname, resolve } from 'node:path';
import { sqlitePath } from './client';
import { isPostgresUrl } from './pg/client';

/** The folder holding the embedded database, `null` for a server database or an in-memory one. */
export function localDatabaseDir(url: string): string | null {
  if (isPostgresUrl(url)) return null;
  const path = sqlitePath(url);
  return path === ':memory:' ? null : dirname(resolve(path));
}
