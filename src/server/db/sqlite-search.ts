// Full-text search on SQLite: the FTS5 index of migration 0010 (kept in step by triggers), ranked by bm25 then
// newest (among the newest RANKED_CANDIDATES matches), with snippets marked \u0002 … \u0003; filters by sender, dates and threads; deleted messages never match.
import type Database from 'better-sqlite3';
import type { Message } from '../../shared/message';
import { type SearchHit, type SearchPage, searchWords } from '../../shared/search';
import {
  createdAtBounds,
  decodeSearchCursor,
  nextSearchCursor,
  RANKED_CANDIDATES,
  type SearchPosition,
  type SearchRequest,
} from './search';

/** The main connection's page cache, in KiB. */
const SEARCH_CACHE_KB = 65_536;
/** Words of context around the matches in a snippet. */
const SNIPPET_TOKENS = 24;
/** A result found by filters alone (no words) shows the start of its text. */
const PLAIN_SNIPPET_CHARS = 200;

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The search as an FTS5 query: each word a quoted string in the text column (implicit AND), so nothing a person
 * typed is ever read as syntax; the sender, when given, as a phrase of the sender column (the exact, case-insensitive
 * comparison is the join's: the index only narrows). Null when there is nothing for the index to look for.
 */
export function ftsMatch(words: string[], from: string | null): string | null {
  const terms = words.map((word) => `text : ${quoted(word)}`);
  if (from !== null && searchWords(from).length > 0) terms.push(`sender : ${quoted(from)}`);
  return terms.length > 0 ? terms.join(' AND ') : null;
}

export class SqliteSearch {
  private readonly newestId: Database.Statement;
  private snippets: Database.Statement | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly sqlite: Database.Database,
    /** Loads messages by id in the repository's own shape (the caller keeps the order). */
    private readonly load: (ids: number[]) => Message[],
  ) {
    // Ranking reads the index's and the messages' pages all over a large database: SQLite's default 2 MB page cache
    // re-read them through the OS on every search (the 1M-message bench's p99 halved with 64 MB). An upper bound:
    // the cache grows only as pages are read.
    sqlite.pragma(`cache_size = -${SEARCH_CACHE_KB}`);
    this.newestId = sqlite.prepare('SELECT coalesce(max(id), 0) FROM messages').pluck();
  }

  /** Prepared at the first search, so a database without the index (the bench's baseline for its cost) opens. */
  private get snippetOf(): Database.Statement {
    this.snippets ??= this.sqlite
      .prepare(
        `SELECT snippet(messages_fts, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) FROM messages_fts
         WHERE messages_fts MATCH ? AND rowid = ?`,
      )
      .pluck();
    return this.snippets;
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    const position: SearchPosition = request.cursor
      ? decodeSearchCursor(request.cursor)
      : { upTo: this.newestId.get() as number, offset: 0 };
    const ids = this.rankedIds(request, position);
    const more = ids.length > request.limit;
    const pageIds = ids.slice(0, request.limit);
    const byId = new Map(this.load(pageIds).map((m) => [m.id, m]));
    const match = request.words.length > 0 ? ftsMatch(request.words, request.from) : null;
    const hits: SearchHit[] = [];
    for (const id of pageIds) {
      const message = byId.get(id);
      if (!message) continue;
      const snippet =
        match === null
          ? message.text.slice(0, PLAIN_SNIPPET_CHARS)
          : ((this.snippetOf.get(match, id) as string | undefined) ??
            message.text.slice(0, PLAIN_SNIPPET_CHARS));
      hits.push({ message, snippet });
    }
    return { hits, nextCursor: nextSearchCursor(position, pageIds.length, more) };
  }

  /** The filters make a few dozen shapes of query at most: each is prepared once. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql).pluck();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** One more id than the page holds, when there is more. */
  private rankedIds(request: SearchRequest, position: SearchPosition): number[] {
    const { below, from } = createdAtBounds(request);
    const where = ['m.id <= ?', 'm.deleted_at IS NULL'];
    const params: (string | number)[] = [position.upTo];
    if (request.from !== null) {
      where.push('m.sender = ? COLLATE NOCASE');
      params.push(request.from);
    }
    if (below !== null) {
      where.push('m.created_at < ?');
      params.push(below);
    }
    if (from !== null) {
      where.push('m.created_at >= ?');
      params.push(from);
    }
    if (request.inThread) where.push('m.thread_root IS NOT NULL');
    const page = [request.limit + 1, position.offset];
    const match = ftsMatch(request.words, request.from);
    if (match === null) {
      const sql = `SELECT m.id FROM messages m WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ? OFFSET ?`;
      return this.statement(sql).all(...params, ...page) as number[];
    }
    if (request.words.length === 0) {
      // A sender and no words: that sender's messages, newest first, straight off the index.
      const sql = `SELECT messages_fts.rowid FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
        WHERE messages_fts MATCH ? AND messages_fts.rowid <= ? AND ${where.join(' AND ')}
        ORDER BY messages_fts.rowid DESC LIMIT ? OFFSET ?`;
      return this.statement(sql).all(match, position.upTo, ...params, ...page) as number[];
    }
    // The newest candidates come straight off the index's doclists (read backwards); bm25 (on the text column
    // only) runs on those only.
    const sql = `SELECT id FROM (
        SELECT messages_fts.rowid AS id, bm25(messages_fts, 1.0, 0.0) AS score
        FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
        WHERE messages_fts MATCH ? AND messages_fts.rowid <= ? AND ${where.join(' AND ')}
        ORDER BY messages_fts.rowid DESC LIMIT ${RANKED_CANDIDATES}
      ) ORDER BY score, id DESC LIMIT ? OFFSET ?`;
    return this.statement(sql).all(match, position.upTo, ...params, ...page) as number[];
  }
}
