// PostgreSQL implementation of the import repository: one transaction on one pooled client, a few statements per
// batch of rows (unnest), and the messages advisory lock held throughout so imported ids commit in id order.
import type pg from 'pg';
import {
  type ImportedAgent,
  type ImportedMessage,
  type ImportKind,
  type ImportRepository,
  type ImportSession,
  type OriginalKey,
  originalKey,
} from '../import-repository';
import { CHANNELS, LOCKS } from './locks';

export class PgImportRepository implements ImportRepository {
  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(commit: boolean, work: (session: ImportSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.messages]);
      const session = new PgImportSession(client);
      const result = await work(session);
      if (commit) {
        // Doorbells ring on commit: running instances read the new rows (and the roster) as they do any others.
        if (session.lastMessageId !== null) {
          await client.query('SELECT pg_notify($1, $2)', [CHANNELS.messages, String(session.lastMessageId)]);
        }
        if (session.agentsAdded) await client.query('SELECT pg_notify($1, $2)', [CHANNELS.agents, 'import']);
        await client.query('COMMIT');
      } else await client.query('ROLLBACK');
      return result;
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

class PgImportSession implements ImportSession {
  lastMessageId: number | null = null;
  agentsAdded = false;

  constructor(private readonly client: pg.PoolClient) {}

  async importedKeys(kind: ImportKind, keys: OriginalKey[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    // `original_id = ANY` walks the primary key per id; a join against unnest() was planned as a scan of the
    // whole map (no statistics inside the import's own transaction), quadratic over a large import.
    const { rows } = await this.client.query<{ id: string; at: string }>(
      `SELECT original_id AS id, original_at AS at FROM import_map WHERE kind = $1 AND original_id = ANY($2::text[])`,
      [kind, [...new Set(keys.map((k) => k.id))]],
    );
    const wanted = new Set(keys.map((k) => originalKey(k)));
    return new Set(rows.map((r) => originalKey(r)).filter((key) => wanted.has(key)));
  }

  async existingAgents(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const { rows } = await this.client.query<{ name: string }>(
      'SELECT name FROM employees WHERE name = ANY($1::text[])',
      [names],
    );
    return new Set(rows.map((r) => r.name));
  }

  async importedMessageIds(ids: string[], at: string): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.client.query<{ id: string; target: string }>(
      `SELECT DISTINCT ON (original_id) original_id AS id, target FROM import_map
       WHERE kind = 'message' AND original_id = ANY($1::text[]) AND original_at <= $2
       ORDER BY original_id, original_at DESC`,
      [ids, at],
    );
    return new Map(rows.map((r) => [r.id, Number(r.target)]));
  }

  async insertAgents(rows: ImportedAgent[]): Promise<void> {
    if (rows.length === 0) return;
    const importedAt = new Date().toISOString();
    await this.client.query(
      `INSERT INTO employees (name, role, smartness, hired_by, hired_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        rows.map((e) => e.name),
        rows.map((e) => e.role),
        rows.map((e) => e.smartness),
        rows.map((e) => e.hiredBy),
        rows.map((e) => e.hiredAt),
      ],
    );
    await this.insertMap(
      'employee',
      rows.map((e) => ({ ...e.original, target: e.name, conversation: null })),
      importedAt,
    );
    this.agentsAdded = true;
  }

  async insertMessages(rows: ImportedMessage[]): Promise<number[]> {
    if (rows.length === 0) return [];
    // Ids are taken first (under the messages lock, so in order) to link replies to rows of this same batch.
    const allocated = await this.client.query<{ id: number }>(
      `SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id FROM generate_series(1, $1)`,
      [rows.length],
    );
    const ids = allocated.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const replyTo = rows.map((m) => (m.replyToRow === null ? m.replyTo : (ids[m.replyToRow] ?? null)));
    await this.client.query(
      `INSERT INTO messages (id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id)
       SELECT t.id, t.text, t.sender, t.sender_kind, t.mentions, t.is_command, t.command, t.command_args, t.reply_to, 'import', t.created_at, NULL
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::boolean[], $7::text[], $8::jsonb[], $9::bigint[], $10::text[])
         AS t(id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, created_at)`,
      [
        ids,
        rows.map((m) => m.text),
        rows.map((m) => m.sender),
        rows.map((m) => m.senderKind),
        rows.map((m) => JSON.stringify(m.mentions)),
        rows.map((m) => m.isCommand),
        rows.map((m) => m.command),
        rows.map((m) => JSON.stringify(m.commandArgs)),
        replyTo,
        rows.map((m) => m.createdAt),
      ],
    );
    await this.insertMap(
      'message',
      rows.map((m, i) => ({ ...m.original, target: String(ids[i]), conversation: m.original.conversation })),
      new Date().toISOString(),
    );
    this.lastMessageId = ids.at(-1) ?? this.lastMessageId;
    return ids;
  }

  private async insertMap(
    kind: ImportKind,
    rows: (OriginalKey & { target: string; conversation: string | null })[],
    importedAt: string,
  ): Promise<void> {
    await this.client.query(
      `INSERT INTO import_map (kind, original_id, original_at, target, conversation, imported_at)
       SELECT $1, k.id, k.at, k.target, k.conversation, $6
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS k(id, at, target, conversation)`,
      [
        kind,
        rows.map((r) => r.id),
        rows.map((r) => r.at),
        rows.map((r) => r.target),
        rows.map((r) => r.conversation),
        importedAt,
      ],
    );
  }
}
