// Chat size limits without zod, so the web client can import them without pulling the schema library into its
// initial bundle (message.ts re-exports them for the server).
export const MAX_TEXT_LENGTH = 4096;
export const MAX_HISTORY_PAGE = 200;
/** The most messages one chat.get may ask for (a screenful of quotes, with room to spare). */
export const MAX_GET_IDS = 100;
/**
 * users.readState counts at most this many unread messages (the newest ones), so a call never scans a long
 * history: someone away for weeks sees "999+".
 */
export const UNREAD_COUNT_LIMIT = 1000;
