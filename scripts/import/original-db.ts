// Reads the Python install's SQLite databases with their own schemas (src/managers/file_ownership.py and
// src/database/database_manager.py for employees.db, src/chat/message_persistence.py for chat_history.db),
// read-only, streaming the rows in timestamp order.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface OriginalEmployeeRow {
  name: unknown;
  role: unknown;
  smartness: unknown;
  hired_at: unknown;
  status: unknown;
}

export interface OriginalMessageRow {
  message_id: unknown;
  conversation_id: unknown;
  sender: unknown;
  text: unknown;
  message_type: unknown;
  timestamp: unknown;
  reply_to: unknown;
}

/** A table that is not the original's: named with what it lacks. */
export class NotOriginalError extends Error {
  override name = 'NotOriginalError';
}

function open(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

function columns(db: Database.Database, table: string): Set<string> {
  return new Set(
    (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
  );
}

/** `col` when the table has it, else NULL under that name (the two versions of the schema differ). */
function pick(have: Set<string>, wanted: string[]): string {
  return wanted.map((c) => (have.has(c) ? `"${c}"` : `NULL AS "${c}"`)).join(', ');
}

function expectColumns(have: Set<string>, needed: string[], what: string, path: string): void {
  const missing = needed.filter((c) => !have.has(c));
  if (have.size === 0)
    throw new NotOriginalError(`${path} has no ${what} table: is it the Python version's?`);
  if (missing.length > 0) {
    throw new NotOriginalError(
      `${path}: its ${what} table lacks ${missing.join(', ')}: is it the Python version's?`,
    );
  }
}

export interface PendingWork {
  count: number;
  /** A few examples, e.g. `src/app.py (alice)`. */
  examples: string[];
}

export class OriginalEmployees {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  static open(path: string): OriginalEmployees | null {
    if (!existsSync(path)) return null;
    const db = open(path);
    expectColumns(columns(db, 'employees'), ['name', 'role'], 'employees', path);
    return new OriginalEmployees(db, path);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM employees').pluck().get() as number;
  }

  /** Oldest hire first. */
  rows(): IterableIterator<OriginalEmployeeRow> {
    const have = columns(this.db, 'employees');
    const order = have.has('hired_at') ? '"hired_at", rowid' : 'rowid';
    return this.db
      .prepare(
        `SELECT ${pick(have, ['name', 'role', 'smartness', 'hired_at', 'status'])} FROM employees ORDER BY ${order}`,
      )
      .iterate() as IterableIterator<OriginalEmployeeRow>;
  }

  /** Files an employee still held locked there: nothing here takes file locks, so they are reported only. */
  fileLocks(): PendingWork {
    return this.pending('file_locks', "status = 'locked'", "file_path || ' (' || employee_name || ')'", [
      'file_path',
      'employee_name',
      'status',
    ]);
  }

  /** Requests for another's file still pending there. */
  fileRequests(): PendingWork {
    return this.pending(
      'file_requests',
      "status = 'pending'",
      "file_path || ' (' || requester || ' asked ' || owner || ')'",
      ['file_path', 'requester', 'owner', 'status'],
    );
  }

  private pending(table: string, where: string, label: string, needed: string[]): PendingWork {
    const have = columns(this.db, table);
    if (needed.some((c) => !have.has(c))) return { count: 0, examples: [] };
    const count = this.db.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get() as number;
    const examples = this.db
      .prepare(`SELECT ${label} FROM ${table} WHERE ${where} ORDER BY rowid LIMIT 5`)
      .pluck()
      .all() as string[];
    return { count, examples };
  }

  close(): void {
    this.db.close();
  }
}

export class OriginalChat {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  static open(path: string): OriginalChat | null {
    if (!existsSync(path)) return null;
    const db = open(path);
    expectColumns(columns(db, 'messages'), ['message_id', 'sender', 'text', 'timestamp'], 'messages', path);
    return new OriginalChat(db, path);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  }

  /** Its conversation ids (from `conversations`, else from the messages), for the summary. */
  conversations(): string[] {
    const source = columns(this.db, 'conversations').has('id')
      ? 'SELECT id FROM conversations ORDER BY id LIMIT 1000'
      : columns(this.db, 'messages').has('conversation_id')
        ? 'SELECT DISTINCT conversation_id FROM messages ORDER BY 1 LIMIT 1000'
        : null;
    return source ? (this.db.prepare(source).pluck().all() as unknown[]).map(String) : [];
  }

  /** Every message, oldest first (its timestamp index walks them in order; the row id breaks ties). */
  rows(): IterableIterator<OriginalMessageRow> {
    const have = columns(this.db, 'messages');
    const wanted = [
      'message_id',
      'conversation_id',
      'sender',
      'text',
      'message_type',
      'timestamp',
      'reply_to',
    ];
    return this.db
      .prepare(`SELECT ${pick(have, wanted)} FROM messages ORDER BY "timestamp", rowid`)
      .iterate() as IterableIterator<OriginalMessageRow>;
  }

  close(): void {
    this.db.close();
  }
}
