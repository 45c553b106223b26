// The persistent outbox: committed hub messages are rendered into rows (with a cursor, in one transaction), and
// one worker sends the rows in order, pacing through the throttler, waiting out 429s, backing off on outages.
// In a cluster every send is preceded by a fencing check and every write is fenced: a stale leader stops at once.
import { type Bot, GrammyError } from 'grammy';
import type { Logger } from 'pino';
import type { Message } from '../../../shared/message';
import type { Repository } from '../../db/repository';
import { RoleLostError } from '../../db/singleton';
import { STATE_FORWARD_CURSOR, type TransportRepository } from '../../db/transport-repository';
import { backoffMs, describeTelegramError, sleep } from './bot';
import { renderForTelegram } from './format';

const PAGE = 200;

/**
 * A setting (shared by a cluster, written by whichever instance takes the switch): the newest message id when the
 * bridge was switched back on after being off. Nothing up to it is forwarded, so what was said while the bridge was
 * off stays out of Telegram even when no instance held the role to forget the cursor then.
 */
export const RESUME_AFTER_SETTING = 'telegram.resumeAfter';

// grammY's Node build types its signals with the abort-controller polyfill; Node's own is the same at run time.
type GrammySignal = Parameters<Bot['api']['getMe']>[0];

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
  failed = 0;

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
    const from = saved === null ? await this.repo.lastMessageId() : Number(saved);
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
      const page = await this.repo.messagesAfter(cursor, PAGE);
      if (page.length === 0) break;
      // What came from Telegram is there already; imported history (npm run import:original) is not news.
      const parts = page
        .filter((m) => m.origin !== 'telegram' && m.origin !== 'import')
        .flatMap((m) => this.render(m));
      cursor = page[page.length - 1]?.id ?? cursor;
      await this.store.enqueue(parts, cursor);
      if (parts.length > 0) this.events.onDepth(await this.store.outboxDepth());
      if (page.length < PAGE) break;
    }
    this.notify();
  }

  private notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  private render(message: Message) {
    const texts = renderForTelegram(message);
    return texts.map((html, i) => ({
      messageId: message.id,
      part: i + 1,
      parts: texts.length,
      chatId: this.options.chatId,
      html,
      replyTo: i === 0 ? message.replyTo : null,
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
      const replyTo =
        item.replyTo === null ? null : await this.store.telegramIdFor(item.chatId, item.replyTo);
      try {
        // Fencing: checked right before the one step that cannot be taken back.
        await this.store.confirmRole();
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
          signal as unknown as GrammySignal,
        );
        await this.store.markSent(item, sent.message_id);
        this.events.onDepth(await this.store.outboxDepth());
        failures = 0;
        this.events.onSent();
        if (item.part === item.parts) this.events.onSettled(item.messageId, true);
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
          this.failed += 1;
          this.logger.error(
            { id: item.id, messageId: item.messageId, description },
            'telegram refused a message',
          );
          await this.store.markFailed(item.id, description);
          this.events.onDepth(await this.store.outboxDepth());
          this.events.onSettled(item.messageId, false);
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
}
