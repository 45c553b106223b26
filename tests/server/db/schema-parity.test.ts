// The SQLite and PostgreSQL schemas must not drift: same tables, columns, logical types, nullability, keys and
// indexes. PostgreSQL-only cluster tables (presence heartbeats) are listed here on purpose.
import { type PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { type SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgMain from '../../../src/server/db/pg/schema';
import * as pgAgents from '../../../src/server/db/pg/schema-agents';
import * as pgAudit from '../../../src/server/db/pg/schema-audit';
import * as pgCluster from '../../../src/server/db/pg/schema-cluster';
import * as pgTransports from '../../../src/server/db/pg/schema-transports';
import * as sqliteMain from '../../../src/server/db/schema';
import * as sqliteAgents from '../../../src/server/db/schema-agents';
import * as sqliteAudit from '../../../src/server/db/schema-audit';
import * as sqliteTransports from '../../../src/server/db/schema-transports';

const PG_ONLY = ['cluster_presence', 'rate_limit_buckets'];

type Shape = ReturnType<typeof describeTable>;

function describeTable(
  config: ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>,
): Record<string, unknown> {
  return {
    columns: Object.fromEntries(
      config.columns.map((c) => [
        c.name,
        {
          // drizzle's logical type: number, string, boolean, json — the same on both sides when in step.
          type: c.dataType,
          notNull: c.notNull,
          primary: c.primary,
          // An id the database assigns: SQLite AUTOINCREMENT on one side, an identity column on the other.
          autoId:
            c.primary &&
            (Boolean((c as { autoIncrement?: boolean }).autoIncrement) ||
              Boolean((c as { generatedIdentity?: unknown }).generatedIdentity)),
          // SQLite counts every INTEGER PRIMARY KEY (a rowid alias) as defaulted; keys are compared by autoId.
          hasDefault: c.primary ? null : c.hasDefault,
          enum: c.enumValues ?? null,
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return {
        columns: ref.columns.map((c) => c.name),
        foreignColumns: ref.foreignColumns.map((c) => c.name),
      };
    }),
    indexes: Object.fromEntries(
      config.indexes.map((i) => [
        i.config.name,
        {
          unique: Boolean(i.config.unique),
          columns: i.config.columns.map((c) => (c as { name: string }).name),
        },
      ]),
    ),
  };
}

const tables = (modules: Record<string, unknown>[], is: (v: unknown) => boolean) =>
  modules.flatMap((m) => Object.values(m).filter(is));

const isTable = (v: unknown) =>
  typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in (v as object);

describe('schema parity between SQLite and PostgreSQL', () => {
  const sqlite = new Map<string, Shape>(
    tables([sqliteMain, sqliteAgents, sqliteAudit, sqliteTransports], isTable).map((t) => {
      const config = sqliteConfig(t as SQLiteTable);
      return [config.name, describeTable(config)];
    }),
  );
  const pg = new Map<string, Shape>(
    tables([pgMain, pgAgents, pgAudit, pgTransports, pgCluster], isTable).map((t) => {
      const config = pgConfig(t as PgTable);
      return [config.name, describeTable(config)];
    }),
  );

  it('has the same tables on both sides, apart from the PostgreSQL-only cluster tables', () => {
    expect([...pg.keys()].filter((n) => !PG_ONLY.includes(n)).sort()).toEqual([...sqlite.keys()].sort());
    expect(sqlite.size).toBeGreaterThanOrEqual(9);
  });

  it('has the same columns, types, nullability, defaults, keys and indexes in every shared table', () => {
    for (const [name, shape] of sqlite) expect({ name, ...pg.get(name) }).toEqual({ name, ...shape });
  });
});
