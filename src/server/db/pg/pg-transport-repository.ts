// PostgreSQL implementation of the Telegram bridge's storage (outbox, id map, processed updates, state). Given the
// Telegram role's leader, every write is fenced: it commits on the lock connection only while the lock is held.
import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
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
} from '../transport-repository';
import type { PgDb, PgTx } from './client';
import type { PgLeader } from './pg-leader';
import {
  telegramMessageMap,
  telegramOutbox,
  telegramState,
  telegramTaskMessages,
  telegramUpdates,
} from './schema-transports';

export class PgTransportRepository implements TransportRepository {
  constructor(
    private readonly db: PgDb,
    private readonly leader: PgLeader | null = null,
  ) {}

  async confirmRole(): Promise<void> {
    await this.leader?.confirm();
  }

  /** One transaction: fenced by the leader's lock when there is one. */
  private write<T>(work: (tx: PgTx) => Promise<T>): Promise<T> {
    return this.leader ? this.leader.fenced(work) : this.db.transaction(work);
  }

  async getState(key: string): Promise<string | null> {
    const rows = await this.db.select().from(telegramState).where(eq(telegramState.key, key));
    return rows[0]?.value ?? null;
  }

  async setState(key: string, value: string | null): Promise<void> {
    await this.write((tx) => writeState(tx, key, value));
  }

  async enqueue(parts: OutboxPart[], cursor: number): Promise<void> {
    const createdAt = new Date().toISOString();
    await this.write(async (tx) => {
      if (parts.length > 0)
        await tx
          .insert(telegramOutbox)
          .values(parts.map((part) => ({ ...part, status: 'pending' as const, createdAt })));
      await writeState(tx, STATE_FORWARD_CURSOR, String(cursor));
    });
  }

  async nextOutbox(): Promise<OutboxItem | null> {
    const rows = await this.db
      .select()
      .from(telegramOutbox)
      .where(eq(telegramOutbox.status, 'pending'))
      .orderBy(asc(telegramOutbox.id))
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    const { status: _status, ...item } = row;
    return item;
  }

  async markSent(item: OutboxItem, telegramMessageId: number): Promise<void> {
    const createdAt = new Date().toISOString();
    await this.write(async (tx) => {
      await tx.delete(telegramOutbox).where(eq(telegramOutbox.id, item.id));
      await mapIds(tx, item.chatId, telegramMessageId, item.messageId, createdAt);
    });
  }

  async markDone(id: number): Promise<void> {
    await this.write((tx) => tx.delete(telegramOutbox).where(eq(telegramOutbox.id, id)));
  }

  async recordAttempt(id: number, error: string): Promise<void> {
    await this.write((tx) =>
      tx
        .update(telegramOutbox)
        .set({ attempts: sql`${telegramOutbox.attempts} + 1`, lastError: error })
        .where(eq(telegramOutbox.id, id)),
    );
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.write((tx) =>
      tx.update(telegramOutbox).set({ status: 'failed', lastError: error }).where(eq(telegramOutbox.id, id)),
    );
  }

  async outboxDepth(): Promise<number> {
    return this.countOutbox('pending');
  }

  async failedCount(): Promise<number> {
    return this.countOutbox('failed');
  }

  private async countOutbox(status: 'pending' | 'failed'): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(telegramOutbox)
      .where(eq(telegramOutbox.status, status));
    return rows[0]?.n ?? 0;
  }

  async telegramIdFor(chatId: string, messageId: number): Promise<number | null> {
    const rows = await this.db
      .select({ id: telegramMessageMap.telegramMessageId })
      .from(telegramMessageMap)
      .where(and(eq(telegramMessageMap.chatId, chatId), eq(telegramMessageMap.messageId, messageId)))
      .orderBy(asc(telegramMessageMap.telegramMessageId))
      .limit(1);
    return rows[0]?.id ?? null;
  }

  async telegramIdsFor(chatId: string, messageId: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: telegramMessageMap.telegramMessageId })
      .from(telegramMessageMap)
      .where(and(eq(telegramMessageMap.chatId, chatId), eq(telegramMessageMap.messageId, messageId)))
      .orderBy(asc(telegramMessageMap.telegramMessageId));
    return rows.map((row) => row.id);
  }

  async messageIdFor(chatId: string, telegramMessageId: number): Promise<number | null> {
    const rows = await this.db
      .select({ id: telegramMessageMap.messageId })
      .from(telegramMessageMap)
      .where(
        and(
          eq(telegramMessageMap.chatId, chatId),
          eq(telegramMessageMap.telegramMessageId, telegramMessageId),
        ),
      );
    return rows[0]?.id ?? null;
  }

  async updateStatus(updateId: number): Promise<string | null> {
    const rows = await this.db
      .select({ status: telegramUpdates.status })
      .from(telegramUpdates)
      .where(eq(telegramUpdates.updateId, updateId));
    if (rows[0]) return rows[0].status;
    // Pruned rows are behind the offset: seen and finished.
    const offset = Number((await this.getState(STATE_UPDATE_OFFSET)) ?? 0);
    return updateId <= offset ? 'done' : null;
  }

  async beginUpdate(update: PendingUpdate): Promise<void> {
    await this.write((tx) =>
      tx
        .insert(telegramUpdates)
        .values({ ...update, status: 'pending', createdAt: new Date().toISOString() })
        .onConflictDoNothing(),
    );
  }

  async completeUpdate(
    updateId: number,
    message: { messageId: number; chatId: string; telegramMessageId: number } | null,
    note?: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.write(async (tx) => {
      const values = {
        status: message ? ('done' as const) : ('skipped' as const),
        messageId: message?.messageId ?? null,
        note: note ?? null,
      };
      await tx
        .insert(telegramUpdates)
        .values({ updateId, lastIdBefore: 0, payload: '{}', createdAt: now, ...values })
        .onConflictDoUpdate({ target: telegramUpdates.updateId, set: values });
      if (message) await mapIds(tx, message.chatId, message.telegramMessageId, message.messageId, now);
      // The offset only moves forward, compared in SQL: read then written, a lower update committing after a
      // higher one (two instances, or the first offset ever, which no row lock covers) moved it back.
      await tx
        .insert(telegramState)
        .values({ key: STATE_UPDATE_OFFSET, value: String(updateId) })
        .onConflictDoUpdate({
          target: telegramState.key,
          set: { value: String(updateId) },
          setWhere: sql`CAST(${telegramState.value} AS BIGINT) < ${updateId}`,
        });
      await tx.delete(telegramUpdates).where(
        and(
          lt(
            telegramUpdates.updateId,
            sql`(SELECT CAST(${telegramState.value} AS BIGINT) FROM ${telegramState}
                   WHERE ${telegramState.key} = ${STATE_UPDATE_OFFSET}) - ${KEEP_UPDATES}`,
          ),
          eq(telegramUpdates.status, 'done'),
        ),
      );
    });
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
      .orderBy(asc(telegramUpdates.updateId));
  }

  async getTaskMessage(taskId: number): Promise<TaskMessage | null> {
    const rows = await this.db
      .select()
      .from(telegramTaskMessages)
      .where(eq(telegramTaskMessages.taskId, taskId));
    const row = rows[0];
    if (!row) return null;
    const { updatedAt: _at, ...message } = row;
    return message;
  }

  async taskForTelegramMessage(chatId: string, telegramMessageId: number): Promise<number | null> {
    const rows = await this.db
      .select({ taskId: telegramTaskMessages.taskId })
      .from(telegramTaskMessages)
      .where(
        and(
          eq(telegramTaskMessages.chatId, chatId),
          eq(telegramTaskMessages.telegramMessageId, telegramMessageId),
        ),
      );
    return rows[0]?.taskId ?? null;
  }

  async saveTaskMessage(message: TaskMessage, cursor: number): Promise<void> {
    const row = { ...message, updatedAt: new Date().toISOString() };
    await this.write(async (tx) => {
      await tx
        .insert(telegramTaskMessages)
        .values(row)
        .onConflictDoUpdate({ target: telegramTaskMessages.taskId, set: row });
      await writeState(tx, STATE_TASK_CURSOR, String(cursor));
    });
  }
}

async function writeState(db: PgDb | PgTx, key: string, value: string | null): Promise<void> {
  if (value === null) {
    await db.delete(telegramState).where(eq(telegramState.key, key));
    return;
  }
  await db
    .insert(telegramState)
    .values({ key, value })
    .onConflictDoUpdate({ target: telegramState.key, set: { value } });
}

async function mapIds(
  db: PgDb | PgTx,
  chatId: string,
  telegramMessageId: number,
  messageId: number,
  createdAt: string,
): Promise<void> {
  // Telegram ids are unique per chat; an emulator restart may reuse one, and then the newest mapping wins.
  await db
    .insert(telegramMessageMap)
    .values({ chatId, telegramMessageId, messageId, createdAt })
    .onConflictDoUpdate({
      target: [telegramMessageMap.chatId, telegramMessageMap.telegramMessageId],
      set: { messageId, createdAt },
    });
}
