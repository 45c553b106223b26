// chat.search: full-text search over the conversation (SQLite FTS5 / PostgreSQL tsvector), ranked, with snippets.
import { z } from 'zod';
import type { Message } from './message';

export const MAX_SEARCH_PAGE = 50;

export const searchInputSchema = z.object({
  /** Words to find; `from:ana` and `in:thread` in the text are filters (parsed on the server too). */
  query: z
    .string({ error: 'query must be a string' })
    .trim()
    .min(1, 'Search is empty: type a word to look for')
    .max(200, 'Search is longer than 200 characters: use fewer words'),
  from: z.string().trim().min(1).max(64).nullish(),
  /** ISO dates or date-times bounding the message's createdAt. */
  before: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
  after: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
  limit: z
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(MAX_SEARCH_PAGE, `limit must be at most ${MAX_SEARCH_PAGE}`)
    .default(20),
  /** The nextCursor of the previous page. */
  cursor: z.string().max(64).nullish(),
});
export type SearchInput = z.infer<typeof searchInputSchema>;

export interface SearchHit {
  message: Message;
  /** The matching text with each match wrapped in \u0002 … \u0003 (render those spans highlighted; never as HTML). */
  snippet: string;
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor: string | null;
}
