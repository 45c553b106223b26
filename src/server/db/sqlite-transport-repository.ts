// SQLite implementation of the Telegram bridge's storage; shares the main repository's connection.
import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import {
  telegramMessageMap,
  telegramOutbox,
  telegramState,
  telegramTaskMessages,
  telegramUpdates,
} from './schema-transports';
import {
  KEEP_UPDATES,
  type OutboxItem,
  type OutboxPart,
  type PendingUpdate,
  STATE_FORWARD_CURSOR,
  STATE_TASK_CURSOR,
  STATE_UPDATE_OFFSET,
  type TaskMessage,
  type TransportRepository,
} from './transport-repository';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/**
 * Read-then-write transactions start as writers: a deferred one that turns into a writer after the message writer
 * thread committed fails at once with SQLITE_BUSY instead of waiting busy_timeout.
 */
const IMMEDIATE = { behavior: 'immediate' } as const;

export class SqliteTransportRepository implements TransportRepository {
  constructor(private readonly db: Db) {}

  /** One process holds every role: nothing to fence. */
  async confirmRole(): Promise<void> {}

  async getState(key: string): Promise<string | null> {
    return this.db.select().from(telegramState).where(eq(telegramState.key, key)).get()?.value ?? null;
  }

  async setState(key: string, value: string | null): Promise<void> {
    writeState(this.db, key, value);
  }

  async enqueue(parts: OutboxPart[], cursor: number): Promise<void> {
    const createdAt = new Date().toISOString();
    this.db.transaction((tx) => {
      if (parts.length > 0)
        tx.insert(telegramOutbox)
          .values(parts.map((part) => ({ ...part, status: 'pending' as const, createdAt })))
          .run();
      writeState(tx, STATE_FORWARD_CURSOR, String(cursor));
    }, IMMEDIATE);
  }

  async nextOutbox(): Promise<OutboxItem | null> {
    const row = this.db
      .select()
      .from(telegramOutbox)
      .where(eq(telegramOutbox.status, 'pending'))
      .orderBy(asc(telegramOutbox.id))
      .limit(1)
      .get();
    if (!row) return null;
    const { status: _status, ...item } = row;
    return item;
  }

  async markSent(item: OutboxItem, telegramMessageId: number): Promise<void> {
    const createdAt = new Date().toISOString();
    this.db.transaction((tx) => {
      tx.delete(telegramOutbox).where(eq(telegramOutbox.id, item.id)).run();
      mapIds(tx, item.chatId, telegramMessageId, item.messageId, createdAt);
    }, IMMEDIATE);
  }

  async markDone(id: number): Promise<void> {
    this.db.delete(telegramOutbox).where(eq(telegramOutbox.id, id)).run();
  }

  async recordAttempt(id: number, error: string): Promise<void> {
    this.db
      .update(telegramOutbox)
      .set({ attempts: sql`${telegramOutbox.attempts} + 1`, lastError: error })
      .where(eq(telegramOutbox.id, id))
      .run();
  }

  async markFailed(id: number, error: string): Promise<void> {
    this.db
      .update(telegramOutbox)
      .set({ status: 'failed', lastError: error })
      .where(eq(telegramOutbox.id, id))
      .run();
  }

  async outboxDepth(): Promise<number> {
    return this.countOutbox('pending');
  }

  async failedCount(): Promise<number> {
    return this.countOutbox('failed');
  }

  private countOutbox(status: 'pending' | 'failed'): number {
    return (
      this.db.select({ n: count() }).from(telegramOutbox).where(eq(telegramOutbox.status, status)).get()?.n ??
      0
    );
  }

  async telegramIdFor(chatId: string, messageId: number): Promise<number | null> {
    const row = this.db
      .select({ id: telegramMessageMap.telegramMessageId })
      .from(telegramMessageMap)
      .where(and(eq(telegramMessageMap.chatId, chatId), eq(telegramMessageMap.messageId, messageId)))
      .orderBy(asc(telegramMessageMap.telegramMessageId))
      .limit(1)
      .get();
    return row?.id ?? null;
  }

  async telegramIdsFor(chatId: string, messageId: number): Promise<number[]> {
    return this.db
      .select({ id: telegramMessageMap.telegramMessageId })
      .from(telegramMessageMap)
      .where(and(eq(telegramMessageMap.chatId, chatId), eq(telegramMessageMap.messageId, messageId)))
      .orderBy(asc(telegramMessageMap.telegramMessageId))
      .all()
      .map((row) => row.id);
  }

  async messageIdFor(chatId: string, telegramMessageId: number): Promise<number | null> {
    const row = this.db
      .select({ id: telegramMessageMap.messageId })
      .from(telegramMessageMap)
      .where(
        and(
          eq(telegramMessageMap.chatId, chatId),
          eq(telegramMessageMap.telegramMessageId, telegramMessageId),
        ),
      )
      .get();
    return row?.id ?? null;
  }

  async updateStatus(updateId: number): Promise<string | null> {
    const row = this.db
      .select({ status: telegramUpdates.status })
      .from(telegramUpdates)
      .where(eq(telegramUpdates.updateId, updateId))
      .get();
    if (row) return row.status;
    // Pruned rows are behind the offset: seen and finished.
    const offset = Number((await this.getState(STATE_UPDATE_OFFSET)) ?? 0);
    return updateId <= offset ? 'done' : null;
  }

  async beginUpdate(update: PendingUpdate): Promise<void> {
    this.db
      .insert(telegramUpdates)
      .values({ ...update, status: 'pending', createdAt: new Date().toISOString() })
      .onConflictDoNothing()
      .run();
  }

  async completeUpdate(
    updateId: number,
    message: { messageId: number; chatId: string; telegramMessageId: number } | null,
    note?: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    this.db.transaction((tx) => {
      const values = {
        status: message ? ('done' as const) : ('skipped' as const),
        messageId: message?.messageId ?? null,
        note: note ?? null,
      };
      tx.insert(telegramUpdates)
        .values({ updateId, lastIdBefore: 0, payload: '{}', createdAt: now, ...values })
        .onConflictDoUpdate({ target: telegramUpdates.updateId, set: values })
        .run();
      if (message) mapIds(tx, message.chatId, message.telegramMessageId, message.messageId, now);
      // The offset only moves forward, compared in SQL: a lower update completing later leaves it be.
      tx.insert(telegramState)
        .values({ key: STATE_UPDATE_OFFSET, value: String(updateId) })
        .onConflictDoUpdate({
          target: telegramState.key,
          set: { value: String(updateId) },
          setWhere: sql`CAST(${telegramState.value} AS INTEGER) < ${updateId}`,
        })
        .run();
      tx.delete(telegramUpdates)
        .where(
          and(
            lt(
              telegramUpdates.updateId,
              sql`(SELECT CAST(${telegramState.value} AS INTEGER) FROM ${telegramState}
                   WHERE ${telegramState.key} = ${STATE_UPDATE_OFFSET}) - ${KEEP_UPDATES}`,
            ),
            eq(telegramUpdates.status, 'done'),
          ),
        )
        .run();
    }, IMMEDIATE);
  }

  async pendingUpdates(): Promise<PendingUpdate[]> {
    return this.db
      .select({
        updateId: telegramUpdates.updateId,
        lastIdBefore: telegramUpdates.lastIdBefore,
        payload: telegramUpdates.payload,
      })
      .from(telegramUpdates)
      .where(eq(telegramUpdates.status, 'pending'))
      .orderBy(asc(telegramUpdates.updateId))
      .all();
  }

  async getTaskMessage(taskId: number): Promise<TaskMessage | null> {
    const row = this.db
      .select()
      .from(telegramTaskMessages)
      .where(eq(telegramTaskMessages.taskId, taskId))
      .get();
    if (!row) return null;
    const { updatedAt: _at, ...message } = row;
    return message;
  }

  async taskForTelegramMessage(chatId: string, telegramMessageId: number): Promise<number | null> {
    const row = this.db
      .select({ taskId: telegramTaskMessages.taskId })
      .from(telegramTaskMessages)
      .where(
        and(
          eq(telegramTaskMessages.chatId, chatId),
          eq(telegramTaskMessages.telegramMessageId, telegramMessageId),
        ),
      )
      .get();
    return row?.taskId ?? null;
  }

  async saveTaskMessage(message: TaskMessage, cursor: number): Promise<void> {
    const row = { ...message, updatedAt: new Date().toISOString() };
    this.db.transaction((tx) => {
      tx.insert(telegramTaskMessages)
        .values(row)
        .onConflictDoUpdate({ target: telegramTaskMessages.taskId, set: row })
        .run();
      writeState(tx, STATE_TASK_CURSOR, String(cursor));
    }, IMMEDIATE);
  }
}

function writeState(db: Db | Tx, key: string, value: string | null): void {
  if (value === null) {
    db.delete(telegramState).where(eq(telegramState.key, key)).run();
    return;
  }
  db.insert(telegramState)
    .values({ key, value })
    .onConflictDoUpdate({ target: telegramState.key, set: { value } })
    .run();
}

function mapIds(
  db: Db | Tx,
  chatId: string,
  telegramMessageId: number,
  messageId: number,
  createdAt: string,
) {
  // Telegram ids are unique per chat; an emulator restart may reuse one, and then the newest mapping wins.
  db.insert(telegramMessageMap)
    .values({ chatId, telegramMessageId, messageId, createdAt })
    .onConflictDoUpdate({
      target: [telegramMessageMap.chatId, telegramMessageMap.telegramMessageId],
      set: { messageId, createdAt },
    })
    .run();
}
