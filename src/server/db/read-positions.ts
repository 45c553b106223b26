// Storage interface for each person's read position (users.markRead / users.readState); both dialects implement it.
import { normalizeName } from '../../shared/parse';
import type { ReadState } from '../../shared/unread';

export interface ReadPositionsRepository {
  /**
   * Moves the person's position forward to `upTo` (clipped to the newest message; never back) and returns the
   * state after it. One statement: two devices marking at once keep the larger position.
   */
  markRead(user: string, upTo: number): Promise<ReadState>;
  /** The position and what came after it: unread messages not sent by `user`, and those for them. */
  readState(user: string): Promise<ReadState>;
}

/** Who is asking, as the queries compare it: ids match case-insensitively, a mention is stored normalized. */
export function readerKeys(user: string): { me: string; mention: string } {
  return { me: user.toLowerCase(), mention: normalizeName(user) };
}
