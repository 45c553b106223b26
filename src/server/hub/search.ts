// chat.search and chat.around behind the router: the box's `from:` / `in:` / `before:` / `after:` filters merged with
// the explicit ones, the repository's search, and the page of history around a message a result points at.
import type { Message } from '../../shared/message';
import { parseSearchQuery, type SearchInput, type SearchPage } from '../../shared/search';
import type { Repository } from '../db/repository';
import { BadSearchCursorError } from '../db/search';
import { DomainError } from '../domain-error';

export async function searchMessages(
  repo: Repository,
  input: SearchInput,
  viewer: string,
): Promise<SearchPage> {
  const parsed = parseSearchQuery(input.query);
  const request = {
    ...parsed,
    // An explicit filter wins over the same one typed in the box.
    from: input.from ?? parsed.from,
    before: input.before ?? parsed.before,
    after: input.after ?? parsed.after,
    limit: input.limit,
    cursor: input.cursor ?? null,
    viewer,
  };
  if (
    request.words.length === 0 &&
    request.from === null &&
    !request.inThread &&
    !request.before &&
    !request.after
  )
    throw new DomainError('BAD_REQUEST', 'Search has no words to look for: type a word (letters or digits)');
  if (request.before && request.after && Date.parse(request.before) <= Date.parse(request.after))
    throw new DomainError('BAD_REQUEST', `before:${request.before} is not later than after:${request.after}`);
  try {
    return await repo.search(request);
  } catch (error) {
    if (error instanceof BadSearchCursorError) throw new DomainError('BAD_REQUEST', error.message);
    throw error;
  }
}

/**
 * The page of history that holds message `id` (older half before it, newer half after), oldest first, with the
 * cursors to load more either way: the client jumps there from a search result however old it is.
 */
export async function messagesAround(
  repo: Repository,
  id: number,
  limit: number,
): Promise<{ messages: Message[]; olderCursor: number | null; hasNewer: boolean }> {
  const half = Math.ceil(limit / 2);
  // The main conversation only, as history pages are: a thread-only reply between here and the tail is no row of
  // the list (and would make the window look short of its newer half).
  const newer = await repo.historyAfter(id - 1, half + 1);
  if (newer[0]?.id !== id) {
    const [reply] = await repo.getMessages([id]);
    throw new DomainError(
      'NOT_FOUND',
      reply?.threadRoot !== undefined
        ? `message ${id} lives only in the thread of message ${reply.threadRoot}: open that thread (chat.thread)`
        : `message ${id} does not exist`,
    );
  }
  const newerPage = newer.slice(0, half);
  const olderCount = limit - newerPage.length;
  const older = await repo.history(id, olderCount + 1);
  const hasOlder = older.length > olderCount;
  const messages = [...(hasOlder ? older.slice(1) : older), ...newerPage];
  return {
    messages,
    olderCursor: hasOlder ? (messages[0]?.id ?? null) : null,
    hasNewer: newer.length > half,
  };
}
