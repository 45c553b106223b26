// users.markRead / users.readState: each person's read position, kept on the server (follows them across devices).
import { z } from 'zod';
import { messageIdSchema } from './message';

export const markReadInputSchema = z.object({
  /**
   * Every message with an id up to this one is read. A position never moves back (an older upTo is a no-op); an
   * upTo beyond the newest message is clipped to it (a made-up id cannot mark messages read before they exist).
   */
  upTo: messageIdSchema,
});

export { UNREAD_COUNT_LIMIT } from './limits';

export interface ReadState {
  /** The last message read, 0 when never. */
  upTo: number;
  /** Messages after upTo not sent by me (main conversation and broadcast thread replies), at most UNREAD_COUNT_LIMIT. */
  unread: number;
  /** Of those, the ones that mention me or reply to me. */
  mentions: number;
  /** The newest message id when counted: the counts cover up to it, a client counts live messages after it. */
  through: number;
}
