// Full-text search on PostgreSQL: the GIN index on to_tsvector('simple', text) of migration 0010, ranked by ts_rank
// then newest (among the newest RANKED_CANDIDATES matches), snippets from ts_headline marked \u0002 … \u0003; the
// same filters and cursor as the SQLite search.
import type pg from 'pg';
import type { Message } from '../../../shared/message';
import type { SearchHit, SearchPage } from '../../../shared/search';
import {
  createdAtBounds,
  decodeSearchCursor,
  nextSearchCursor,
  RANKED_CANDIDATES,
  type SearchPosition,
  type SearchRequest,
} from '../search';

/** Must be the index's expression exactly, or the planner cannot use it. */
const DOCUMENT = "to_tsvector('simple'::regconfig, m.text)";
const HEADLINE_OPTIONS = 'StartSel="\u0002", StopSel="\u0003", MaxWords=35, MinWords=12';
/** A result found by filters alone (no words) shows the start of its text. */
const PLAIN_SNIPPET_CHARS = 200;

export class PgSearch {
  constructor(
    private readonly pool: pg.Pool,
    /** Loads messages by id in the repository's own shape (the caller keeps the order). */
    private readonly load: (ids: number[]) => Promise<Message[]>,
  ) {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const position: SearchPosition = request.cursor
      ? decodeSearchCursor(request.cursor)
      : { upTo: await this.newestId(), offset: 0 };
    const ids = await this.rankedIds(request, position);
    const more = ids.length > request.limit;
    const pageIds = ids.slice(0, request.limit);
    const [found, snippets] = await Promise.all([this.load(pageIds), this.headlines(request, pageIds)]);
    const byId = new Map(found.map((m) => [m.id, m]));
    const hits: SearchHit[] = [];
    for (const id of pageIds) {
      const message = byId.get(id);
      if (message)
        hits.push({ message, snippet: snippets.get(id) ?? message.text.slice(0, PLAIN_SNIPPET_CHARS) });
    }
    return { hits, nextCursor: nextSearchCursor(position, pageIds.length, more) };
  }

  private async newestId(): Promise<number> {
    const result = await this.pool.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM messages');
    return Number(result.rows[0]?.id ?? 0);
  }

  /** One more id than the page holds, when there is more. */
  private async rankedIds(request: SearchRequest, position: SearchPosition): Promise<number[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const { below, from } = createdAtBounds(request);
    const where = [`m.id <= ${param(position.upTo)}`, 'm.deleted_at IS NULL'];
    if (request.from !== null) where.push(`lower(m.sender) = lower(${param(request.from)})`);
    if (below !== null) where.push(`m.created_at < ${param(below)}`);
    if (from !== null) where.push(`m.created_at >= ${param(from)}`);
    if (request.inThread) where.push('m.thread_root IS NOT NULL');
    let sql: string;
    if (request.words.length === 0) {
      sql = `SELECT m.id FROM messages m WHERE ${where.join(' AND ')} ORDER BY m.id DESC`;
    } else {
      // plainto_tsquery reads its text as plain words joined by AND: no operator a person types is syntax.
      const query = `plainto_tsquery('simple', ${param(request.words.join(' '))})`;
      sql = `SELECT id FROM (
          SELECT m.id, ts_rank(${DOCUMENT}, q) AS score FROM messages m, ${query} q
          WHERE ${DOCUMENT} @@ q AND ${where.join(' AND ')}
          ORDER BY m.id DESC LIMIT ${RANKED_CANDIDATES}
        ) candidates ORDER BY score DESC, id DESC`;
    }
    sql += ` LIMIT ${param(request.limit + 1)} OFFSET ${param(position.offset)}`;
    const result = await this.pool.query<{ id: string | number }>(sql, params);
    return result.rows.map((row) => Number(row.id));
  }

  private async headlines(request: SearchRequest, ids: number[]): Promise<Map<number, string>> {
    if (request.words.length === 0 || ids.length === 0) return new Map();
    const result = await this.pool.query<{ id: string | number; snippet: string }>(
      `SELECT m.id, ts_headline('simple', m.text, plainto_tsquery('simple', $1), $2) AS snippet
       FROM messages m WHERE m.id = ANY($3::bigint[])`,
      [request.words.join(' '), HEADLINE_OPTIONS, ids],
    );
    return new Map(result.rows.map((row) => [Number(row.id), row.snippet]));
  }
}
