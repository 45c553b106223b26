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

/** chat.around: the page of history that contains a message (a search result however old), oldest first. */
export const aroundInputSchema = z.object({
  id: z.number().int().positive('id must be a message id'),
  limit: z
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(MAX_SEARCH_PAGE * 4, `limit must be at most ${MAX_SEARCH_PAGE * 4}`)
    .default(50),
});

/** What the search box holds once its filters are taken out: the words and each filter (null: none). */
export interface ParsedSearch {
  words: string[];
  from: string | null;
  before: string | null;
  after: string | null;
  /** `in:thread`: only replies inside threads. */
  inThread: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real day: Date.parse takes 2026-02-30 and rolls it over to March 2, which nobody meant. */
function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00.000Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/**
 * Splits the box's text into words and `from:ana` (or `from:@ana`), `in:thread`, `before:2026-12-01`,
 * `after:2026-11-01` filters. Words are runs of letters, digits and combining marks, as the index tokenizes them,
 * so nothing a person types can reach the search engine as syntax (quotes, `*`, `NEAR`, `OR`, `-`, parentheses are
 * plain text or separators). A filter with a value it cannot use (`before:soon`) stays a word.
 */
export function parseSearchQuery(query: string): ParsedSearch {
  const parsed: ParsedSearch = { words: [], from: null, before: null, after: null, inThread: false };
  for (const part of query.split(/\s+/)) {
    const filter = /^(from|in|before|after):(.+)$/i.exec(part);
    const key = filter?.[1]?.toLowerCase();
    const value = filter?.[2] ?? '';
    if (key === 'from' && /^@?[\p{L}\p{N}_.-]{1,64}$/u.test(value)) parsed.from = value.replace(/^@/, '');
    else if (key === 'in' && value.toLowerCase() === 'thread') parsed.inThread = true;
    else if ((key === 'before' || key === 'after') && isCalendarDate(value)) parsed[key] = value;
    else parsed.words.push(...searchWords(part));
  }
  return parsed;
}

/** The words of a text as the full-text index sees them (lower-cased; accents are folded by the index). */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).slice(0, 32);
}

/** Splits a snippet at its \u0002 … \u0003 marks: the odd parts are the matches. */
export function snippetParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let match = false;
  let start = 0;
  const flush = (end: number) => {
    if (end > start) parts.push({ text: snippet.slice(start, end), match });
  };
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    if (c !== '\u0002' && c !== '\u0003') continue;
    flush(i);
    match = c === '\u0002';
    start = i + 1;
  }
  flush(snippet.length);
  return parts;
}
