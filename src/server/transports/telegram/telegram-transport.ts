// The Telegram bridge as a transport: getMe on start, inbound long polling, the outbox forwarder, and status.
import type { Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Repository } from '../../db/repository';
import { STATE_FORWARD_CURSOR, type TransportRepository } from '../../db/transport-repository';
import type { Hub } from '../../hub/hub';
import { Handlers, type MessageHandler, postThroughHub, type Transport } from '../transport';
import { createBot, describeTelegramError } from './bot';
import { Inbound } from './inbound';
import { Outbox } from './outbox';
import { type AgentTasksPort, TaskMessages } from './task-messages';

/** How long sendMessage waits for Telegram to accept a message before answering "not delivered". */
export const SEND_WAIT_MS = 30_000;

export interface TelegramStatus {
  configured: boolean;
  running: boolean;
  connected: boolean;
  botUsername: string | null;
  chatId: string | null;
  /** When the last update from the chat was committed. */
  lastUpdateAt: string | null;
  lastPollAt: string | null;
  lastSentAt: string | null;
  outboxDepth: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  rateLimitHits: number;
  duplicateUpdatesIgnored: number;
}

export class TelegramTransport implements Transport {
  readonly name = 'telegram' as const;
  private readonly handlers: Handlers;
  private bot: Bot | null = null;
  private inbound: Inbound | null = null;
  private outbox: Outbox | null = null;
  private taskMessages: TaskMessages | null = null;
  private unsubscribe: (() => void) | null = null;
  private connected = false;
  /** Pending outbox rows as last counted (set by the manager at start, then by the outbox on each change). */
  outboxDepth: number | null = null;
  private readonly waiting = new Map<number, ((delivered: boolean) => void)[]>();
  private readonly status = {
    botUsername: null as string | null,
    lastUpdateAt: null as string | null,
    lastPollAt: null as string | null,
    lastSentAt: null as string | null,
    lastError: null as string | null,
    lastErrorAt: null as string | null,
    rateLimitHits: 0,
    errors: 0,
  };

  constructor(
    private readonly deps: {
      config: Config;
      hub: Hub;
      repo: Repository;
      store: TransportRepository;
      logger: Logger;
      /** The agents' task timelines: one message per task, edited in place (none without agents). */
      tasks?: AgentTasksPort;
      /** Told of each 429 answer from Telegram (stored for the admin statistics). */
      onRateLimited?: () => void;
    },
  ) {
    this.handlers = new Handlers((err) => deps.logger.error({ err }, 'telegram message handler failed'));
  }

  get configured(): boolean {
    return Boolean(this.deps.config.TELEGRAM_BOT_TOKEN && this.deps.config.TELEGRAM_CHAT_ID);
  }

  get running(): boolean {
    return this.bot !== null;
  }

  get rateLimitHits(): number {
    return this.status.rateLimitHits;
  }

  get errors(): number {
    return this.status.errors;
  }

  /** Handlers get the messages that came in from the Telegram chat, after they are committed. */
  addMessageHandler(handler: MessageHandler): () => void {
    return this.handlers.add(handler);
  }

  /** Checks the token with getMe (bounded by TELEGRAM_START_TIMEOUT_MS); throws a readable reason on failure. */
  async start(): Promise<void> {
    if (this.bot) return;
    const { config, hub, repo, store, logger } = this.deps;
    const token = config.TELEGRAM_BOT_TOKEN;
    const chatId = config.TELEGRAM_CHAT_ID;
    if (!token || !chatId) throw new Error('set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID to use telegram');
    const bot = createBot(config, token, {
      onRateLimited: () => {
        this.status.rateLimitHits += 1;
        this.deps.onRateLimited?.();
      },
      onOk: () => {
        this.connected = true;
      },
    });
    // One getMe, bounded: bot.init() would retry network errors until the timeout and hide the cause.
    const signal = AbortSignal.timeout(config.TELEGRAM_START_TIMEOUT_MS);
    try {
      bot.botInfo = await bot.api.getMe(signal as Parameters<Bot['api']['getMe']>[0]);
    } catch (error) {
      const reason = signal.aborted
        ? `getMe failed: no answer from ${config.TELEGRAM_API_ROOT} within ${config.TELEGRAM_START_TIMEOUT_MS} ms`
        : `getMe failed: ${describeTelegramError(error)}`;
      this.recordError(reason);
      throw new Error(reason);
    }
    this.status.botUsername = bot.botInfo.username;
    const retry = { retryBaseMs: config.TELEGRAM_RETRY_BASE_MS, retryMaxMs: config.TELEGRAM_RETRY_MAX_MS };
    const outbox = new Outbox(
      bot,
      repo,
      store,
      logger,
      { chatId, ...retry },
      {
        onSent: () => {
          this.connected = true;
          this.status.lastSentAt = new Date().toISOString();
        },
        onError: (description) => this.recordError(description),
        onDepth: (depth) => {
          this.outboxDepth = depth;
        },
        onSettled: (messageId, delivered) => this.settle(messageId, delivered),
      },
    );
    const taskMessages = this.deps.tasks
      ? new TaskMessages(
          bot,
          store,
          this.deps.tasks,
          logger,
          { chatId, editIntervalMs: config.TELEGRAM_TASK_EDIT_MS, ...retry },
          (description) => this.recordError(description),
        )
      : null;
    const inbound = new Inbound(
      bot,
      hub,
      repo,
      store,
      logger,
      {
        chatId,
        botId: bot.botInfo.id,
        pollTimeoutS: config.TELEGRAM_POLL_TIMEOUT_S,
        pollIdleMs: config.TELEGRAM_POLL_IDLE_MS,
        ...retry,
      },
      {
        onPollOk: () => {
          this.connected = true;
          this.status.lastPollAt = new Date().toISOString();
        },
        onError: (description) => this.recordError(description),
        onMessage: (message) => {
          this.status.lastUpdateAt = new Date().toISOString();
          this.handlers.emit(message);
        },
        onCallback: async (query) => {
          await taskMessages?.onCallback(query);
        },
        replyTarget: async (telegramId) => (await taskMessages?.replyTarget(telegramId)) ?? null,
      },
    );
    this.bot = bot;
    this.outbox = outbox;
    this.inbound = inbound;
    this.taskMessages = taskMessages;
    this.connected = true;
    // Every committed message or change (edit, deletion, reaction) wakes the forwarder; it reads the log from
    // storage, so none is missed or doubled.
    this.unsubscribe = hub.onEvent((event) => {
      if (event.type === 'message' || event.type === 'change') outbox.pump();
    });
    await outbox.start();
    await taskMessages?.start();
    await inbound.start();
    logger.info({ bot: bot.botInfo.username, chatId }, 'telegram bridge on');
  }

  /** Stops polling and sending; queued rows stay. */
  async stop(): Promise<void> {
    await this.shutdown(false);
  }

  /** Turns the bridge off on purpose: messages from now on are not forwarded when it comes back. */
  async disable(): Promise<void> {
    await this.shutdown(true);
  }

  /**
   * The bridge is off on purpose although it was not running here (the cluster was switched while no instance
   * held the Telegram role): drop the forward cursor, so what is said while off is never sent later.
   */
  async forgetCursor(): Promise<void> {
    if (this.bot) return this.disable();
    await this.deps.store.setState(STATE_FORWARD_CURSOR, null);
  }

  private async shutdown(forget: boolean): Promise<void> {
    if (!this.bot) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.inbound?.stop();
    await this.outbox?.stop(forget);
    await this.taskMessages?.stop(forget);
    this.taskMessages = null;
    this.bot = null;
    this.inbound = null;
    this.outbox = null;
    this.connected = false;
    for (const [messageId] of this.waiting) this.settle(messageId, false);
    this.deps.logger.info('telegram bridge off');
  }

  /** Posts through the hub, then waits until Telegram accepted every part (or refused, or SEND_WAIT_MS passed). */
  async sendMessage(text: string, senderName: string, replyTo?: number | null): Promise<boolean> {
    const message = await postThroughHub(this.deps.hub, text, senderName, replyTo, (err) =>
      this.deps.logger.warn({ err, sender: senderName }, 'telegram transport could not post'),
    );
    // Bridge off (a switch to websocket turned it off while the sender still saw telegram): the message is
    // committed for the web clients all the same, only not delivered to Telegram.
    if (!message || !this.bot) return false;
    // The send needs network I/O, so it cannot settle before this waiter is registered.
    return new Promise<boolean>((resolve) => {
      const finish = (delivered: boolean) => {
        clearTimeout(timer);
        resolve(delivered);
      };
      const timer = setTimeout(() => {
        const list = this.waiting.get(message.id)?.filter((f) => f !== finish) ?? [];
        if (list.length > 0) this.waiting.set(message.id, list);
        else this.waiting.delete(message.id);
        resolve(false);
      }, SEND_WAIT_MS);
      this.waiting.set(message.id, [...(this.waiting.get(message.id) ?? []), finish]);
    });
  }

  private settle(messageId: number, delivered: boolean): void {
    const list = this.waiting.get(messageId);
    if (!list) return;
    this.waiting.delete(messageId);
    for (const resolve of list) resolve(delivered);
  }

  isConnected(): boolean {
    return this.bot !== null && this.connected;
  }

  private recordError(description: string): void {
    this.status.errors += 1;
    this.status.lastError = description;
    this.status.lastErrorAt = new Date().toISOString();
    if (/network error|: 5\d\d /.test(description)) this.connected = false;
  }

  /** Synchronous status (health checks read it); the outbox depth is the last count. */
  snapshot(): TelegramStatus {
    return {
      configured: this.configured,
      running: this.running,
      connected: this.isConnected(),
      botUsername: this.status.botUsername,
      chatId: this.deps.config.TELEGRAM_CHAT_ID ?? null,
      lastUpdateAt: this.status.lastUpdateAt,
      lastPollAt: this.status.lastPollAt,
      lastSentAt: this.status.lastSentAt,
      outboxDepth: this.outboxDepth,
      lastError: this.status.lastError,
      lastErrorAt: this.status.lastErrorAt,
      rateLimitHits: this.status.rateLimitHits,
      duplicateUpdatesIgnored: this.inbound?.duplicatesIgnored ?? 0,
    };
  }
}
