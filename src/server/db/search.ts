// What both dialects' full-text search share: the request the repository takes, the page cursor and the date bounds.
import type { ParsedSearch } from '../../shared/search';

export interface SearchRequest extends ParsedSearch {
  limit: number;
  /** A SearchPage's nextCursor, or null for the first page. */
  cursor: string | null;
  /** Who searches: every message is visible to everyone today; conversations will filter by membership here. */
  viewer: string;
}

/**
 * Ranking reads the newest this many matches of the words (after the filters) and orders those by relevance: a word
 * found in a sixth of a million messages is then ranked in milliseconds, not in a second, and the best of the newest
 * thousand is what a person scrolling results reaches anyway. More words or a filter narrow it further.
 */
export const RANKED_CANDIDATES = 1000;

/** The cursor does not come from a previous page of this search. */
export class BadSearchCursorError extends Error {
  constructor() {
    super('cursor is not one a previous search page returned: start the search again without it');
    this.name = 'BadSearchCursorError';
  }
}

/**
 * Where a page starts: the newest message id when the first page was read (messages posted meanwhile do not push
 * results onto the next page twice) and how many ranked results came before.
 */
export interface SearchPosition {
  upTo: number;
  offset: number;
}

export function encodeSearchCursor(position: SearchPosition): string {
  return `${position.upTo}.${position.offset}`;
}

/**
 * How deep paging goes: no page starts past this many results (a crafted cursor with a huge offset would make the
 * database walk that many rows for nothing). Ranked searches end sooner, at RANKED_CANDIDATES.
 */
export const MAX_SEARCH_OFFSET = 10_000;

export function decodeSearchCursor(cursor: string): SearchPosition {
  const match = /^(\d{1,15})\.(\d{1,9})$/.exec(cursor);
  if (!match || Number(match[2]) > MAX_SEARCH_OFFSET) throw new BadSearchCursorError();
  return { upTo: Number(match[1]), offset: Number(match[2]) };
}

/** The next page's cursor, or null when this page was the last (or paging went as deep as it goes). */
export function nextSearchCursor(position: SearchPosition, pageLength: number, more: boolean): string | null {
  const offset = position.offset + pageLength;
  return more && offset <= MAX_SEARCH_OFFSET ? encodeSearchCursor({ upTo: position.upTo, offset }) : null;
}

/**
 * The createdAt bounds as ISO text (both dialects store createdAt as ISO UTC text, so text order is time order).
 * A date means the whole day in UTC: `before:2026-12-01` ends before it starts, `after:2026-11-30` starts after it
 * ends (Slack's reading); a date-time is exact.
 */
export function createdAtBounds(request: Pick<SearchRequest, 'before' | 'after'>): {
  below: string | null;
  from: string | null;
} {
  const dayStart = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString();
  const bound = (value: string | null, days: number) => {
    if (value === null) return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dayStart(value, days);
    return new Date(value).toISOString();
  };
  return { below: bound(request.before, 0), from: bound(request.after, 1) };
}
