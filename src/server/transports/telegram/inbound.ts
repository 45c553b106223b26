// Telegram -> hub: long polling, one update at a time, idempotent by update id, offset stored after the commit.
import type { Bot } from 'grammy';
import type { CallbackQuery, ReactionType, Message as TelegramMessage, Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Message } from '../../../shared/message';
import type { Repository } from '../../db/repository';
import { STATE_UPDATE_OFFSET, type TransportRepository } from '../../db/transport-repository';
import { DomainError } from '../../domain-error';
import type { Hub } from '../../hub/hub';
import { RoleLostError } from '../../ports/leader-lease';
import { backoffMs, describeTelegramError, grammySignal, sleep } from './bot';
import { entitiesToMarkdown } from './entities';
import { telegramSender } from './format';
import { fromTelegramEmoji, STATE_TELEGRAM_REACTORS, withReactor } from './reactions';

/**
 * On stop, a getUpdates in flight gets this long to answer before it is aborted: updates it brings are
 * committed rather than dropped (Telegram would re-send unconfirmed ones, but emulators and proxies may not).
 */
export const STOP_GRACE_MS = 1000;

export interface InboundOptions {
  chatId: string;
  botId: number;
  pollTimeoutS: number;
  pollIdleMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface InboundEvents {
  onPollOk(): void;
  onError(description: string): void;
  onMessage(message: Message): void;
  /** A button on one of the bot's messages was pressed in the bridged chat (task asks). */
  onCallback?(query: CallbackQuery): Promise<void>;
  /**
   * The chat message a reply to this bot message is about, when it is not a forwarded chat message (the task
   * messages: a reply to one is a reply to the message that gave the task).
   */
  replyTarget?(telegramMessageId: number): Promise<number | null>;
}

/** What a Telegram message says, as our Markdown: media without a caption become a short label. */
export function textOf(message: TelegramMessage): string {
  if (message.text) return entitiesToMarkdown(message.text, message.entities);
  if (message.caption) return entitiesToMarkdown(message.caption, message.caption_entities);
  const kinds = [
    'photo',
    'video',
    'voice',
    'audio',
    'document',
    'sticker',
    'animation',
    'location',
    'contact',
  ];
  const kind = kinds.find((k) => k in message);
  return kind ? `[${kind}]` : '[unsupported message]';
}

export class Inbound {
  /** Ends the loop and cuts sleeps short. */
  private controller = new AbortController();
  /** Aborts a getUpdates in flight (after STOP_GRACE_MS). */
  private fetchController = new AbortController();
  private running: Promise<void> | null = null;
  duplicatesIgnored = 0;

  constructor(
    private readonly bot: Bot,
    private readonly hub: Hub,
    private readonly repo: Repository,
    private readonly store: TransportRepository,
    private readonly logger: Logger,
    private readonly options: InboundOptions,
    private readonly events: InboundEvents,
  ) {}

  async start(): Promise<void> {
    await this.recover();
    this.controller = new AbortController();
    this.fetchController = new AbortController();
    this.running = this.poll(this.controller.signal, this.fetchController.signal);
  }

  /** Ends polling: a getUpdates in flight gets a short grace, an update being committed finishes first. */
  async stop(): Promise<void> {
    this.controller.abort();
    const grace = setTimeout(() => this.fetchController.abort(), STOP_GRACE_MS);
    await this.running;
    clearTimeout(grace);
    this.running = null;
  }

  /** After a crash between the hub's commit and our bookkeeping: finish, never post twice. */
  private async recover(): Promise<void> {
    for (const pending of await this.store.pendingUpdates()) {
      const update = JSON.parse(pending.payload) as Update;
      await this.commit(update, pending.lastIdBefore, true);
    }
  }

  private async poll(signal: AbortSignal, fetchSignal: AbortSignal): Promise<void> {
    let offset = Number((await this.store.getState(STATE_UPDATE_OFFSET)) ?? 0);
    let failures = 0;
    while (!signal.aborted) {
      const started = Date.now();
      let updates: Update[];
      try {
        updates = await this.bot.api.getUpdates(
          {
            offset: offset + 1,
            timeout: this.options.pollTimeoutS,
            // message_reaction comes only where the bot is an admin of the chat.
            allowed_updates: ['message', 'edited_message', 'message_reaction', 'callback_query'],
          },
          grammySignal(fetchSignal),
        );
        failures = 0;
        this.events.onPollOk();
      } catch (error) {
        if (fetchSignal.aborted) break;
        failures += 1;
        const description = describeTelegramError(error);
        this.events.onError(description);
        const delay = backoffMs(failures, this.options.retryBaseMs, this.options.retryMaxMs);
        this.logger.warn({ description, delay }, 'telegram getUpdates failed; retrying');
        await sleep(delay, signal);
        continue;
      }
      for (const update of updates) {
        try {
          await this.process(update);
          offset = Math.max(offset, update.update_id);
        } catch (error) {
          // A stale leader (fenced write refused): the new holder polls now; stop before posting anything.
          if (error instanceof RoleLostError) return;
          // Storage trouble: the update stays unconfirmed and comes back with the next getUpdates.
          this.logger.error({ err: error, updateId: update.update_id }, 'telegram update not processed');
          this.events.onError(`update ${update.update_id}: ${(error as Error).message}`);
          await sleep(backoffMs(1, this.options.retryBaseMs, this.options.retryMaxMs), signal);
          break;
        }
      }
      // Real long polling waits server-side; short polling (timeout 0) or an emulator answers at once, so
      // pause instead of spinning.
      const { pollTimeoutS, pollIdleMs } = this.options;
      if (updates.length === 0 && (pollTimeoutS === 0 || Date.now() - started < (pollTimeoutS * 1000) / 2))
        await sleep(pollIdleMs, signal);
    }
  }

  private async process(update: Update): Promise<void> {
    const seen = await this.store.updateStatus(update.update_id);
    if (seen !== null && seen !== 'pending') {
      this.duplicatesIgnored += 1;
      return;
    }
    if (seen === 'pending') {
      // An earlier attempt failed after the pending row: the hub may have committed it already.
      const pending = (await this.store.pendingUpdates()).find((p) => p.updateId === update.update_id);
      if (pending) return this.commit(update, pending.lastIdBefore, true);
    }
    const query = update.callback_query;
    if (query) {
      const inChat = String(query.message?.chat.id) === this.options.chatId;
      // Answered once: the update id is recorded after, so a repeated delivery is ignored above.
      if (inChat) await this.events.onCallback?.(query);
      await this.store.completeUpdate(
        update.update_id,
        null,
        inChat ? 'button pressed' : 'button outside the chat',
      );
      return;
    }
    if (update.edited_message || update.message_reaction) return this.applyChange(update);
    const message = update.message;
    if (!message || String(message.chat.id) !== this.options.chatId) {
      await this.store.completeUpdate(update.update_id, null, 'not a message in the bridged chat');
      return;
    }
    // The bot's own messages must never come back in (no loops).
    if (message.from?.id === this.options.botId) {
      await this.store.completeUpdate(update.update_id, null, 'sent by this bot');
      return;
    }
    const lastIdBefore = await this.repo.lastMessageId();
    await this.store.beginUpdate({
      updateId: update.update_id,
      lastIdBefore,
      payload: JSON.stringify(update),
    });
    await this.commit(update, lastIdBefore, false);
  }

  /**
   * An edit of a bridged message (edited in the chat copy, as its Telegram sender) or reactions changed on one
   * (each emoji added or taken back, as the person who reacted). Applying either again changes nothing, so a
   * repeated delivery or a crash before the bookkeeping is harmless; refusals are noted and skipped.
   */
  private async applyChange(update: Update): Promise<void> {
    const edited = update.edited_message;
    const reaction = update.message_reaction;
    const chat = edited?.chat ?? reaction?.chat;
    const skip = (note: string) => this.store.completeUpdate(update.update_id, null, note);
    if (!chat || String(chat.id) !== this.options.chatId) return skip('not in the bridged chat');
    const telegramId = (edited ?? reaction)?.message_id ?? 0;
    const id = await this.store.messageIdFor(this.options.chatId, telegramId);
    if (id === null) return skip('a change to a message that is not in the chat');
    try {
      if (edited) {
        if (edited.from?.id === this.options.botId) return skip('edited by this bot');
        await this.hub.edit({ id, text: textOf(edited) }, this.senderName(edited));
        return skip('edit applied');
      }
      if (!reaction?.user || reaction.user.is_bot) return skip('an anonymous or bot reaction');
      const by = this.senderName({ from: reaction.user, chat: reaction.chat });
      const emoji = (list: ReactionType[]) =>
        new Set(list.flatMap((r) => (r.type === 'emoji' ? [fromTelegramEmoji(r.emoji)] : [])));
      // Remembered first: the outbox leaves this person's reactions out of the bot's own (they show in Telegram).
      const reactors = withReactor(await this.store.getState(STATE_TELEGRAM_REACTORS), by);
      if (reactors !== null) await this.store.setState(STATE_TELEGRAM_REACTORS, reactors);
      const before = emoji(reaction.old_reaction);
      const after = emoji(reaction.new_reaction);
      for (const e of before) if (!after.has(e)) await this.hub.react({ id, emoji: e, on: false }, by);
      for (const e of after) if (!before.has(e)) await this.hub.react({ id, emoji: e, on: true }, by);
      return skip('reaction applied');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.warn({ updateId: update.update_id, reason: error.message }, 'telegram change refused');
      return skip(error.message);
    }
  }

  /**
   * Who a Telegram message is from. A Telegram name that is an agent's (a user called alice while the agent
   * alice works here) is shown with its origin, "alice (telegram)", so nobody takes one for the other.
   */
  private senderName(message: Pick<TelegramMessage, 'from' | 'chat'>): string {
    const name = message.from ? telegramSender(message.from) : (message.chat.title ?? 'telegram');
    return this.hub.reservedNames.has(name) ? `${name} (telegram)` : name;
  }

  private async commit(update: Update, lastIdBefore: number, recovering: boolean): Promise<void> {
    const message = update.message;
    if (!message) {
      await this.store.completeUpdate(update.update_id, null, 'not a message');
      return;
    }
    const chatId = this.options.chatId;
    const sender = this.senderName(message);
    const text = textOf(message);
    if (recovering) {
      // Updates are handled one at a time, so a Telegram message committed after lastIdBefore is this one.
      const after = await this.repo.messagesAfter(lastIdBefore, 1000);
      const committed = after.find(
        (m) => m.origin === 'telegram' && m.sender === sender && m.text === text.trim(),
      );
      if (committed) {
        await this.store.completeUpdate(update.update_id, {
          messageId: committed.id,
          chatId,
          telegramMessageId: message.message_id,
        });
        return;
      }
    }
    const repliedTo = message.reply_to_message?.message_id;
    const replyTo =
      repliedTo === undefined
        ? null
        : ((await this.store.messageIdFor(chatId, repliedTo)) ??
          (await this.events.replyTarget?.(repliedTo)) ??
          null);
    let posted: Message;
    try {
      posted = await this.hub.post({ text, replyTo, sender, senderKind: 'user' }, 'telegram');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.store.completeUpdate(update.update_id, null, error.message);
      this.logger.warn({ updateId: update.update_id, reason: error.message }, 'telegram message refused');
      return;
    }
    await this.store.completeUpdate(update.update_id, {
      messageId: posted.id,
      chatId,
      telegramMessageId: message.message_id,
    });
    this.events.onMessage(posted);
  }
}
