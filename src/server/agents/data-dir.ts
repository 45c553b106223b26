// Where the server keeps its own files (per-task help files, task worktrees): never inside the project.
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config';

/** DATA_DIR, else the SQLite database's directory, else ./data. */
export function dataDirFor(config: Config): string {
  if (config.DATA_DIR) return resolve(config.DATA_DIR);
  const url = config.DATABASE_URL;
  // An in-memory database (tests) keeps nothing: neither need its files.
  if (url === ':memory:') return join(tmpdir(), 'opencode-slack');
  if (/^postgres(ql)?:/.test(url)) return resolve('data');
  return dirname(resolve(url.replace(/^file:/, '')));
}
