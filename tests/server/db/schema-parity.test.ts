// The SQLite and PostgreSQL schemas must not drift: same tables, columns, logical types, nullability, keys and
// indexes. PostgreSQL-only cluster tables (presence heartbeats) are listed here on purpose.
import { type PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { type SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgMain from '../../../src/server/db/pg/schema';
import * as pgAgents from '../../../src/server/db/pg/schema-agents';
import * as pgAudit from '../../../src/server/db/pg/schema-audit';
import * as pgCluster from '../../../src/server/db/pg/schema-cluster';
import * as pgImport from '../../../src/server/db/pg/schema-import';
import * as pgStats from '../../../src/server/db/pg/schema-stats';
import * as pgTransports from '../../../src/server/db/pg/schema-transports';
import * as sqliteMain from '../../../src/server/db/schema';
import * as sqliteAgents from '../../../src/server/db/schema-agents';
import * as sqliteAudit from '../../../src/server/db/schema-audit';
import * as sqliteImport from '../../../src/server/db/schema-import';
import * as sqliteStats from '../../../src/server/db/schema-stats';
import * as sqliteTransports from '../../../src/server/db/schema-transports';

const PG_ONLY = ['cluster_presence', 'rate_limit_buckets', 'agent_stop_requests'];

type Shape = ReturnType<typeof describeTable>;

const NUMBER_KINDS: Record<string, string> = {
  integer: 'integer',
  bigint: 'integer',
  real: 'real',
  'double precision': 'real',
};

/** A numeric column's storage kind, the same name on both sides: whole numbers or floating point. */
function sqlKind(type: string): string {
  return NUMBER_KINDS[type.toLowerCase()] ?? type.toLowerCase();
}

/** Columns that hold an id of a growing table (messages, tasks, outbox, Telegram updates). */
const ID_REFERENCES = ['message_id', 'reply_to', 'task_id', 'last_id_before', 'update_id'];

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
          // The storage kind: SQLite's INTEGER is 64-bit, so PostgreSQL integer and bigint both match it here;
          // which integer columns must be bigint is pinned by the 64-bit test below.
          kind: c.dataType === 'number' ? sqlKind(c.getSQLType()) : null,
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
    tables([sqliteMain, sqliteAgents, sqliteAudit, sqliteTransports, sqliteImport, sqliteStats], isTable).map(
      (t) => {
        const config = sqliteConfig(t as SQLiteTable);
        return [config.name, describeTable(config)];
      },
    ),
  );
  const pg = new Map<string, Shape>(
    tables([pgMain, pgAgents, pgAudit, pgTransports, pgCluster, pgImport, pgStats], isTable).map((t) => {
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

  it('gives PostgreSQL 64-bit ids and id references, as SQLite INTEGER already is', () => {
    const narrow = tables(
      [pgMain, pgAgents, pgAudit, pgTransports, pgCluster, pgImport, pgStats],
      isTable,
    ).flatMap((t) => {
      const config = pgConfig(t as PgTable);
      return config.columns
        .filter((c) => (c.primary && c.dataType === 'number') || ID_REFERENCES.includes(c.name))
        .filter((c) => c.getSQLType() !== 'bigint')
        .map((c) => `${config.name}.${c.name} is ${c.getSQLType()}`);
    });
    expect(narrow).toEqual([]);
  });
});
