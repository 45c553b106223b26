// Storage interface for the audit log of admin actions; Promise-returning so another database can implement it.
import type { auditOutcomes } from './schema-audit';

export type AuditOutcome = (typeof auditOutcomes)[number];

export interface NewAuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  outcome?: AuditOutcome;
  error?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  outcome: AuditOutcome;
  error: string | null;
}

export interface AuditQuery {
  /** Entries with id < before (all when null), newest first. */
  before: number | null;
  limit: number;
  action?: string;
  actor?: string;
}

export interface AuditRepository {
  /** Appends one entry (one call per admin action) and returns it with its id and time. */
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
