// The persistent outbox: committed hub messages are rendered into rows (with a cursor, in one transaction), and
// one worker sends the rows in order, pacing through the throttler, waiting out 429s, backing off on outages.
// In a cluster every send is preceded by a fencing check and every write is fenced: a stale leader stops at once.
import { type Bot, GrammyError } from 'grammy';
import type { ReactionTypeEmoji } from 'grammy/types';
import type { Logger } from 'pino';
import type { Message, MessageChange } from '../../../shared/message';
import type { Repository } from '../../db/repository';
import {
  type OutboxItem,
  type OutboxPart,
  STATE_FORWARD_CURSOR,
  type TransportRepository,
} from '../../db/transport-repository';
import { RoleLostError } from '../../ports/leader-lease';
import { backoffMs, describeTelegramError, grammySignal, sleep } from './bot';
import { renderForTelegram } from './format';
import { opOf, rowOf } from './outbox-ops';
import { botReaction, parseReactors, STATE_TELEGRAM_REACTORS } from './reactions';

const PAGE = 200;

/**
 * A setting (shared by a cluster, written by whichever instance takes the switch): the newest message id when the
 * bridge was switched back on after being off. Nothing up to it is forwarded, so what was said while the bridge was
 * off stays out of Telegram even when no instance held the role to forget the cursor then.
 */
export const RESUME_AFTER_SETTING = 'telegram.resumeAfter';

export interface OutboxOptions {
  chatId: string;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface OutboxEvents {
  onSent(): void;
  /** Rows still pending, counted after each change. */
  onDepth(depth: number): void;
  onError(description: string): void;
  /** Every part of the message was sent (true) or Telegram refused it for good (false). */
  onSettled(messageId: number, delivered: boolean): void;
}

export class Outbox {
  private controller = new AbortController();
  private running: Promise<void> | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** Set when rows may have arrived since the worker last looked, so a wake-up is never lost. */
  private dirty = false;

  constructor(
    private readonly bot: Bot,
    private readonly repo: Repository,
    private readonly store: TransportRepository,
    private readonly logger: Logger,
    private readonly options: OutboxOptions,
    private readonly events: OutboxEvents,
  ) {}

  /**
   * Forwarding starts after the newest message unless a cursor survived (a restart while bridged), and never at or
   * before the point the bridge was last switched back on from (RESUME_AFTER_SETTING).
   */
  async start(): Promise<void> {
    const [saved, resumeAfter] = await Promise.all([
      this.store.getState(STATE_FORWARD_CURSOR),
      this.repo.getSetting(RESUME_AFTER_SETTING),
    ]);
    // The log's newest id (a message or a change of one): a change made before the bridge came on is not news.
    const from = saved === null ? await this.repo.lastLogId() : Number(saved);
    const cursor = Math.max(from, Number(resumeAfter ?? 0));
    if (saved === null || cursor !== Number(saved))
      await this.store.setState(STATE_FORWARD_CURSOR, String(cursor));
    this.controller = new AbortController();
    this.running = this.work(this.controller.signal);
    this.pump();
  }

  /** Ends the worker after its in-flight send; rows stay queued. `forget` drops the cursor (bridge off). */
  async stop(forget: boolean): Promise<void> {
    this.controller.abort();
    this.notify();
    await this.running;
    await this.pumping;
    this.running = null;
    if (!forget) return;
    try {
      await this.store.setState(STATE_FORWARD_CURSOR, null);
    } catch (error) {
      // The holder that replaced this one owns the cursor now.
      if (!(error instanceof RoleLostError)) throw error;
    }
  }

  /** Called on each committed hub event: copies everything past the cursor into the outbox, serialised. */
  pump(): void {
    this.pumping = this.pumping
      .then(() => this.enqueueNew())
      .catch((err) => {
        if (err instanceof RoleLostError) return; // the worker stops too; the new holder enqueues
        this.logger.error({ err }, 'telegram outbox: could not enqueue');
        this.events.onError(`enqueue failed: ${(err as Error).message}`);
      });
  }

  private async enqueueNew(): Promise<void> {
    if (this.controller.signal.aborted) return;
    let cursor = Number((await this.store.getState(STATE_FORWARD_CURSOR)) ?? 0);
    while (true) {
      const page = await this.repo.logAfter(cursor, PAGE);
      const entries: (Message | MessageChange)[] = [...page.messages, ...page.changes].sort(
        (a, b) => a.id - b.id,
      );
      if (entries.length === 0) break;
      // New messages and changes in the log's order: an edit or a deletion is sent after the message it changes.
      const telegramPeople = page.changes.some((c) => c.kind === 'react')
        ? parseReactors(await this.store.getState(STATE_TELEGRAM_REACTORS))
        : new Set<string>();
      const parts = entries.flatMap((entry) =>
        'kind' in entry ? this.renderChange(entry, telegramPeople) : this.render(entry),
      );
      cursor = entries[entries.length - 1]?.id ?? cursor;
      await this.store.enqueue(parts, cursor);
      if (parts.length > 0) this.events.onDepth(await this.store.outboxDepth());
      if (entries.length < PAGE) break;
    }
    this.notify();
  }

  private notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  private render(message: Message): OutboxPart[] {
    // What came from Telegram is there already; imported history (npm run import:original) is not news; a message
    // deleted before it was forwarded is not sent at all.
    if (message.origin === 'telegram' || message.origin === 'import' || message.deletedAt) return [];
    const texts = renderForTelegram(message);
    // A thread reply is a Telegram reply to the thread's root (Telegram has no threads in a group).
    const replyTo = message.replyTo ?? message.threadRoot ?? null;
    return texts.map((html, i) => ({
      messageId: message.id,
      ...rowOf({ kind: 'send', part: i + 1, parts: texts.length }),
      chatId: this.options.chatId,
      html,
      replyTo: i === 0 ? replyTo : null,
    }));
  }

  /**
   * An edit or deletion of a message Telegram has a copy of, as rows in the same queue. A Telegram message is edited
   * in Telegram (only its sender may, and it arrives as edited_message); an admin's deletion of one is carried out.
   */
  private renderChange(change: MessageChange, telegramPeople: ReadonlySet<string>): OutboxPart[] {
    const message = change.message;
    const row = { messageId: message.id, chatId: this.options.chatId, replyTo: null };
    if (message.origin === 'import') return [];
    if (change.kind === 'delete') return [{ ...row, ...rowOf({ kind: 'delete' }), html: '' }];
    // A reaction made in Telegram shows there already; one from the web may change the bot's reaction.
    if (change.kind === 'react') {
      if (telegramPeople.has(change.by) || message.deletedAt) return [];
      const html = botReaction(message.reactions, telegramPeople) ?? '';
      return [{ ...row, ...rowOf({ kind: 'react' }), html }];
    }
    if (change.kind !== 'edit' || message.origin === 'telegram' || message.deletedAt) return [];
    const texts = renderForTelegram(message);
    return texts.map((html, i) => ({
      ...row,
      ...rowOf({ kind: 'edit', part: i + 1, parts: texts.length }),
      html,
    }));
  }

  private async work(signal: AbortSignal): Promise<void> {
    try {
      await this.forward(signal);
    } catch (error) {
      if (!(error instanceof RoleLostError)) throw error;
      // Another instance may be sending already: not one more row from here.
      this.logger.warn('telegram outbox: this instance no longer holds the Telegram role; forwarder stopped');
    }
  }

  private async forward(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      this.dirty = false;
      const item = await this.store.nextOutbox();
      if (!item) {
        if (!this.dirty)
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
        this.wake = null;
        continue;
      }
      try {
        // Fencing: checked right before the one step that cannot be taken back.
        await this.store.confirmRole();
        const op = opOf(item);
        if (op.kind === 'send') {
          const sent = await this.send(item, signal);
          await this.store.markSent(item, sent);
        } else if (op.kind === 'edit') await this.edit(item, op.part, op.parts, signal);
        else if (op.kind === 'react') await this.react(item, signal);
        else await this.delete(item, signal);
        this.events.onDepth(await this.store.outboxDepth());
        failures = 0;
        this.events.onSent();
        if (op.kind === 'send' && op.part === op.parts) this.events.onSettled(item.messageId, true);
      } catch (error) {
        if (error instanceof RoleLostError) throw error;
        if (signal.aborted) break;
        const description = describeTelegramError(error);
        this.events.onError(description);
        if (error instanceof GrammyError && error.error_code === 429) {
          // auto-retry gave up after its attempts: keep honouring retry_after ourselves.
          await sleep((error.parameters.retry_after ?? 1) * 1000, signal);
        } else if (error instanceof GrammyError && error.error_code === 400) {
          // Telegram refuses this text for good (it would fail forever): keep it aside, unblock the queue.
          this.logger.error(
            { id: item.id, messageId: item.messageId, description },
            'telegram refused a message',
          );
          await this.store.markFailed(item.id, description);
          this.events.onDepth(await this.store.outboxDepth());
          if (opOf(item).kind === 'send') this.events.onSettled(item.messageId, false);
        } else {
          // Outage, 5xx, bad token, bot removed from the chat: wait and retry the same row, order kept.
          failures += 1;
          await this.store.recordAttempt(item.id, description);
          const delay = backoffMs(failures, this.options.retryBaseMs, this.options.retryMaxMs);
          this.logger.warn({ description, delay }, 'telegram send failed; retrying');
          await sleep(delay, signal);
        }
      }
    }
  }

  /** Sends a part (a reply where it has one to reply to); resolves with its Telegram id. */
  private async send(item: OutboxItem, signal: AbortSignal, replyToTelegram?: number): Promise<number> {
    const replyTo =
      replyToTelegram ??
      (item.replyTo === null ? null : await this.store.telegramIdFor(item.chatId, item.replyTo));
    const sent = await this.bot.api.sendMessage(
      item.chatId,
      item.html,
      {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(replyTo === null
          ? {}
          : { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
      },
      grammySignal(signal),
    );
    return sent.message_id;
  }

  /**
   * Part `part` of an edited message: edits the Telegram part it was sent as, or sends it as a new part when the
   * text grew; the last part also deletes the parts the text no longer needs. Nothing when it never reached Telegram.
   */
  private async edit(item: OutboxItem, part: number, parts: number, signal: AbortSignal): Promise<void> {
    const ids = await this.store.telegramIdsFor(item.chatId, item.messageId);
    const first = ids[0];
    if (first === undefined) return this.store.markDone(item.id);
    const target = ids[part - 1];
    let telegramId = target;
    if (target !== undefined) {
      const outcome = await this.telegramEdit(item.chatId, target, item.html, signal);
      // The part was deleted in Telegram meanwhile: the first part stays gone, a later one is sent again.
      if (outcome === 'gone') telegramId = part === 1 ? undefined : await this.send(item, signal, first);
    } else telegramId = await this.send(item, signal, first);
    if (part === parts)
      for (const extra of ids.slice(parts)) await this.telegramDelete(item.chatId, extra, signal);
    if (telegramId === undefined) await this.store.markDone(item.id);
    else await this.store.markSent(item, telegramId);
  }

  /**
   * A deleted message: every Telegram part is deleted. One Telegram will not delete (too old, or someone else's
   * message without the rights) is edited to say it was deleted, so its text is gone there too.
   */
  private async delete(item: OutboxItem, signal: AbortSignal): Promise<void> {
    const ids = await this.store.telegramIdsFor(item.chatId, item.messageId);
    for (const id of ids) {
      if ((await this.telegramDelete(item.chatId, id, signal)) !== 'refused') continue;
      await this.telegramEdit(item.chatId, id, '<i>message deleted</i>', signal);
    }
    await this.store.markDone(item.id);
  }

  /** The bot's one reaction on the Telegram copy (its first part); none clears it. */
  private async react(item: OutboxItem, signal: AbortSignal): Promise<void> {
    const first = await this.store.telegramIdFor(item.chatId, item.messageId);
    if (first !== null)
      await this.bot.api.setMessageReaction(
        item.chatId,
        first,
        item.html ? [{ type: 'emoji', emoji: item.html as ReactionTypeEmoji['emoji'] }] : [],
        {},
        grammySignal(signal),
      );
    await this.store.markDone(item.id);
  }

  /** editMessageText; 'gone' when the Telegram message no longer exists. The same text again is no error. */
  private async telegramEdit(
    chatId: string,
    id: number,
    html: string,
    signal: AbortSignal,
  ): Promise<'ok' | 'gone'> {
    try {
      await this.bot.api.editMessageText(
        chatId,
        id,
        html,
        { parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
        grammySignal(signal),
      );
      return 'ok';
    } catch (error) {
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      if (/not modified/i.test(error.description)) return 'ok';
      if (/not found|MESSAGE_ID_INVALID|can't be edited/i.test(error.description)) return 'gone';
      throw error;
    }
  }

  /** deleteMessage; 'gone' when it was deleted already, 'refused' when Telegram will not delete it. */
  private async telegramDelete(
    chatId: string,
    id: number,
    signal: AbortSignal,
  ): Promise<'ok' | 'gone' | 'refused'> {
    try {
      await this.bot.api.deleteMessage(chatId, id, grammySignal(signal));
      return 'ok';
    } catch (error) {
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      return /not found|MESSAGE_ID_INVALID/i.test(error.description) ? 'gone' : 'refused';
    }
  }
}
