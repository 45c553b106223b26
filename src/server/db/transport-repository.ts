// Storage the Telegram bridge needs (outbox, id map, processed updates, state), behind Promise-returning methods;
// SQLite and PostgreSQL implement it the same way (counters and the offset change in SQL, one statement each).

export interface OutboxPart {
  messageId: number;
  part: number;
  parts: number;
  chatId: string;
  html: string;
  replyTo: number | null;
}

export interface OutboxItem extends OutboxPart {
  id: number;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface PendingUpdate {
  updateId: number;
  lastIdBefore: number;
  payload: string;
}

/** The one Telegram message showing an agent task, edited in place; `lastEventId` is the newest entry it shows. */
export interface TaskMessage {
  taskId: number;
  chatId: string;
  telegramMessageId: number;
  lastEventId: number;
  html: string;
}

export interface TransportRepository {
  /**
   * Fencing for a cluster: resolves while this instance holds the Telegram role, throws RoleLostError once it does
   * not (a stale leader). Every write below is refused the same way. Alone (SQLite) it always resolves.
   */
  confirmRole(): Promise<void>;

  getState(key: string): Promise<string | null>;
  setState(key: string, value: string | null): Promise<void>;

  /** Queues the parts of forwarded messages and advances the forwarding cursor, in one transaction. */
  enqueue(parts: OutboxPart[], cursor: number): Promise<void>;
  /** The oldest pending part, or null. */
  nextOutbox(): Promise<OutboxItem | null>;
  /** Removes a sent part and maps its Telegram id to our message, in one transaction. */
  markSent(item: OutboxItem, telegramMessageId: number): Promise<void>;
  /** Removes a row that was carried out without a new Telegram message to map (an edit or deletion with no copy). */
  markDone(id: number): Promise<void>;
  recordAttempt(id: number, error: string): Promise<void>;
  /** A part Telegram refused for good (bad request): kept for inspection, no longer blocks the queue. */
  markFailed(id: number, error: string): Promise<void>;
  outboxDepth(): Promise<number>;
  failedCount(): Promise<number>;

  /** The first Telegram message id our message was sent as (or arrived as), if any. */
  telegramIdFor(chatId: string, messageId: number): Promise<number | null>;
  messageIdFor(chatId: string, telegramMessageId: number): Promise<number | null>;
  /** Every Telegram message id our message was sent as (its parts, oldest first): an edit or delete reaches all. */
  telegramIdsFor(chatId: string, messageId: number): Promise<number[]>;

  /** 'pending' | 'done' | 'skipped', or null for an update never seen. */
  updateStatus(updateId: number): Promise<string | null>;
  beginUpdate(update: PendingUpdate): Promise<void>;
  /**
   * Finishes an update in one transaction: status, the offset, and (for a committed message) the id map.
   * `message` null means the update was skipped (other chat, our own bot, refused by the hub).
   */
  completeUpdate(
    updateId: number,
    message: { messageId: number; chatId: string; telegramMessageId: number } | null,
    note?: string,
  ): Promise<void>;
  pendingUpdates(): Promise<PendingUpdate[]>;
  getTaskMessage(taskId: number): Promise<TaskMessage | null>;
  /** The task whose Telegram task message this is (a reply to it is about that task), or null. */
  taskForTelegramMessage(chatId: string, telegramMessageId: number): Promise<number | null>;
  /** Saves the task message and, in the same transaction, the task timeline cursor (STATE_TASK_CURSOR). */
  saveTaskMessage(message: TaskMessage, cursor: number): Promise<void>;
}

export const STATE_UPDATE_OFFSET = 'update_offset';
export const STATE_FORWARD_CURSOR = 'forward_cursor';
/** The newest task timeline id the Telegram task messages have taken in (they catch up from it after a restart). */
export const STATE_TASK_CURSOR = 'task_cursor';

/** Processed update rows kept behind the offset, for inspection; older ones are pruned. */
export const KEEP_UPDATES = 1000;
