// PostgreSQL implementation of the audit log, sharing the chat pool.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditQuery, AuditRepository, NewAuditEntry } from '../audit-repository';
import type { PgDb } from './client';
import { auditLog } from './schema-audit';

export class PgAuditRepository implements AuditRepository {
  constructor(private readonly db: PgDb) {}

  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = await this.db
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
      .returning();
    return rows[0] as AuditEntry;
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
      .limit(query.limit);
  }
}
