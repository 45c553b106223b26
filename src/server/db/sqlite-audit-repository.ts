// SQLite implementation of the audit log, sharing the main repository's connection.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { AuditEntry, AuditQuery, AuditRepository, NewAuditEntry } from './audit-repository';
import { auditLog } from './schema-audit';

// Any drizzle SQLite handle will do: the table is addressed directly, not through the relational schema.
type AnySqliteDb = BaseSQLiteDatabase<'sync', unknown, Record<string, unknown>>;

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly db: AnySqliteDb) {}

  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.db
      .insert(auditLog)
      .values({
        at: new Date().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        details: entry.details ?? {},
        outcome: entry.outcome ?? 'ok',
        error: entry.error ?? null,
      })
      .returning()
      .get();
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const conditions: SQL[] = [];
    if (query.before !== null) conditions.push(lt(auditLog.id, query.before));
    if (query.action) conditions.push(eq(auditLog.action, query.action));
    if (query.actor) conditions.push(eq(auditLog.actor, query.actor));
    return this.db
      .select()
      .from(auditLog)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(query.limit)
      .all();
  }
}
