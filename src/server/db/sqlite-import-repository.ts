// SQLite implementation of the import repository: one IMMEDIATE transaction on the chat database's connection,
// prepared statements per row (SQLite is in process, so a statement per row costs no round trip).
import type Database from 'better-sqlite3';
import type { Db } from './client';
import {
  type ImportedAgent,
  type ImportedMessage,
  type ImportKind,
  type ImportRepository,
  type ImportSession,
  type OriginalKey,
  originalKey,
} from './import-repository';
import { searchIndexer } from './sqlite-message-writer.mjs';

export class SqliteImportRepository implements ImportRepository {
  private readonly sqlite: Database.Database;

  constructor(db: Db) {
    // drizzle() hands back the connection it wraps as $client; Db's declared type leaves it out.
    this.sqlite = (db as Db & { $client: Database.Database }).$client;
  }

  async transaction<T>(commit: boolean, work: (session: ImportSession) => Promise<T>): Promise<T> {
    const sqlite = this.sqlite;
    // A whole import is one transaction: a bigger page cache keeps its index pages in memory instead of spilling
    // them to the WAL and reading them back (64 MB, bounded, then the default again).
    const cacheSize = sqlite.pragma('cache_size', { simple: true });
    sqlite.pragma('cache_size = -65536');
    // IMMEDIATE: take the write lock now, so a server writing meanwhile makes the import fail at once, not at the end.
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(new SqliteImportSession(sqlite));
      sqlite.exec(commit ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw error;
    } finally {
      sqlite.pragma(`cache_size = ${Number(cacheSize)}`);
    }
  }
}

class SqliteImportSession implements ImportSession {
  private readonly mapped: Database.Statement;
  private readonly employee: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly insertAgent: Database.Statement;
  private readonly insertMessage: Database.Statement;
  private readonly insertMap: Database.Statement;
  private readonly index: ReturnType<typeof searchIndexer>;

  constructor(sqlite: Database.Database) {
    this.mapped = sqlite
      .prepare('SELECT 1 FROM import_map WHERE kind = ? AND original_id = ? AND original_at = ?')
      .pluck();
    this.employee = sqlite.prepare('SELECT 1 FROM employees WHERE name = ?').pluck();
    this.latest = sqlite
      .prepare(
        `SELECT target FROM import_map WHERE kind = 'message' AND original_id = ? AND original_at <= ?
         ORDER BY original_at DESC LIMIT 1`,
      )
      .pluck();
    this.insertAgent = sqlite.prepare(
      'INSERT INTO employees (name, role, smartness, hired_by, hired_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertMessage = sqlite.prepare(
      `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, NULL)`,
    );
    this.index = searchIndexer(sqlite);
    this.insertMap = sqlite.prepare(
      `INSERT INTO import_map (kind, original_id, original_at, target, conversation, imported_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  async importedKeys(kind: ImportKind, keys: OriginalKey[]): Promise<Set<string>> {
    return new Set(
      keys.filter((k) => this.mapped.get(kind, k.id, k.at) !== undefined).map((k) => originalKey(k)),
    );
  }

  async existingAgents(names: string[]): Promise<Set<string>> {
    return new Set(names.filter((name) => this.employee.get(name) !== undefined));
  }

  async importedMessageIds(ids: string[], at: string): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const id of ids) {
      const target = this.latest.get(id, at) as string | undefined;
      if (target !== undefined) found.set(id, Number(target));
    }
    return found;
  }

  async insertAgents(rows: ImportedAgent[]): Promise<void> {
    const importedAt = new Date().toISOString();
    for (const e of rows) {
      this.insertAgent.run(e.name, e.role, e.smartness, e.hiredBy, e.hiredAt);
      this.insertMap.run('employee', e.original.id, e.original.at, e.name, null, importedAt);
    }
  }

  async insertMessages(rows: ImportedMessage[]): Promise<number[]> {
    const importedAt = new Date().toISOString();
    const ids: number[] = [];
    for (const m of rows) {
      const replyTo = m.replyToRow === null ? m.replyTo : (ids[m.replyToRow] ?? null);
      const { lastInsertRowid } = this.insertMessage.run(
        m.text,
        m.sender,
        m.senderKind,
        JSON.stringify(m.mentions),
        m.isCommand ? 1 : 0,
        m.command,
        JSON.stringify(m.commandArgs),
        replyTo,
        m.createdAt,
      );
      const id = Number(lastInsertRowid);
      this.index(id, m.text, m.sender);
      ids.push(id);
      this.insertMap.run(
        'message',
        m.original.id,
        m.original.at,
        String(id),
        m.original.conversation,
        importedAt,
      );
    }
    return ids;
  }
}
