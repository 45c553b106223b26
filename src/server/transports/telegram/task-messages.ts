// One Telegram message per agent task, edited in place as its timeline moves: at most one edit per task every
// TELEGRAM_TASK_EDIT_MS (through the bot's throttler, like the outbox), the final state always written; the message
// id and a timeline cursor are stored, so after a restart the same message is edited and nothing is skipped.
// Open asks carry an inline keyboard; a button press answers the ask (AgentsService.answerAsk). A task's open git
// branch carries Merge / Discard, pressed as the Telegram user (the agents decide who may).
import { type Bot, GrammyError } from 'grammy';
import type { CallbackQuery } from 'grammy/types';
import type { Logger } from 'pino';
import { applyUpdate, emptyCard, type TaskCardState } from '../../../shared/task-card';
import type { TaskUpdate } from '../../../shared/task-timeline';
import { STATE_TASK_CURSOR, type TransportRepository } from '../../db/transport-repository';
import type { Subscriber, SubscriberOptions } from '../../hub/fanout';
import { RoleLostError } from '../../ports/leader-lease';
import { backoffMs, describeTelegramError, grammySignal, sleep } from './bot';
import { telegramSender } from './format';
import {
  askKeyboard,
  type BranchAction,
  branchActionable,
  parseAskCallback,
  parseBranchCallback,
  renderTaskMessage,
  type TaskHeader,
  taskKeyboard,
} from './task-message-format';

const PAGE = 500;
/** How many writes look for a forwarded ask message to put its keyboard on (the outbox may send it later). */
const KEY_TRIES = 10;

/** What the bridge needs from the agents: their task timelines, and answering an ask. */
export interface AgentTasksPort {
  updates: { open(options?: SubscriberOptions<TaskUpdate>): Subscriber<TaskUpdate> };
  list(taskId: number | undefined, after: number, limit: number): Promise<TaskUpdate[]>;
  lastId(): Promise<number>;
  task(id: number): Promise<(TaskHeader & { messageId: number | null }) | null>;
  /** Answers a question or permission ask as `by`; resolves with a line for the person, throws when refused. */
  answerAsk?(askId: string, answer: string, by: string): Promise<string>;
  /** Merges or discards a task's branch as `by`; resolves with a line for the person, throws when refused. */
  settleBranch?(taskId: number, action: BranchAction, by: string): Promise<string>;
}

export interface TaskMessagesOptions {
  chatId: string;
  editIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

interface Entry {
  header: TaskHeader & { messageId: number | null };
  card: TaskCardState;
  telegramMessageId: number | null;
  html: string | null;
  /** Newest update shown in Telegram. */
  shownId: number;
  lastEditAt: number;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
  failures: number;
  /** Telegram ids of the chat ask messages carrying a keyboard, by ask id (taken off once the ask is settled). */
  keyed: Map<string, number>;
  /** Looks for an ask's chat message (not forwarded yet) left before giving up on its keyboard. */
  keyTries: number;
}

export class TaskMessages {
  private readonly entries = new Map<number, Entry>();
  private controller = new AbortController();
  private running: Promise<void> | null = null;
  private live: Subscriber<TaskUpdate> | null = null;
  /** Newest update taken in (applied to its task's card). */
  private takenId = 0;

  constructor(
    private readonly bot: Bot,
    private readonly store: TransportRepository,
    private readonly tasks: AgentTasksPort,
    private readonly logger: Logger,
    private readonly options: TaskMessagesOptions,
    private readonly onError: (description: string) => void,
  ) {}

  /** Catches up from the stored cursor (new: from now), then follows live updates. */
  async start(): Promise<void> {
    this.controller = new AbortController();
    const signal = this.controller.signal;
    // Live first, so nothing committed during the catch-up falls between the two; ids dedupe.
    this.live = this.tasks.updates.open({ signal });
    const saved = await this.store.getState(STATE_TASK_CURSOR);
    this.takenId = saved === null ? await this.tasks.lastId() : Number(saved);
    this.running = this.follow(this.live, signal).catch((err) => {
      if (!(err instanceof RoleLostError)) this.logger.error({ err }, 'telegram task messages stopped');
    });
  }

  /** Stops following; pending edits are written first unless `forget` (bridge switched off: drop the cursor). */
  async stop(forget: boolean): Promise<void> {
    this.controller.abort();
    this.live?.close();
    await this.running;
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      await entry.flushing;
    }
    this.entries.clear();
    if (forget) await this.store.setState(STATE_TASK_CURSOR, null).catch(() => {});
  }

  private async follow(live: Subscriber<TaskUpdate>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const page = await this.tasks.list(undefined, this.takenId, PAGE);
      for (const update of page) await this.take(update);
      if (page.length < PAGE) break;
    }
    while (!signal.aborted) {
      const batch = await live.next();
      if (batch === null) return;
      for (const update of batch) if (update.id > this.takenId) await this.take(update);
    }
  }

  private async take(update: TaskUpdate): Promise<void> {
    const entry = this.entries.get(update.taskId) ?? (await this.load(update.taskId));
    this.takenId = Math.max(this.takenId, update.id);
    if (!entry) return;
    if (update.id > entry.card.lastId) entry.card = applyUpdate(entry.card, update);
    this.schedule(entry);
  }

  /** First sight of a task here: its message (if any) and its card from the whole stored timeline. */
  private async load(taskId: number): Promise<Entry | null> {
    const header = await this.tasks.task(taskId);
    if (!header) return null;
    let card = emptyCard();
    while (true) {
      const page = await this.tasks.list(taskId, card.lastId, PAGE);
      for (const update of page) card = applyUpdate(card, update);
      if (page.length < PAGE) break;
    }
    const stored = await this.store.getTaskMessage(taskId);
    const entry: Entry = {
      header,
      card,
      telegramMessageId: stored?.telegramMessageId ?? null,
      html: stored?.html ?? null,
      shownId: stored?.lastEventId ?? 0,
      lastEditAt: 0,
      timer: null,
      flushing: null,
      failures: 0,
      keyed: new Map(),
      keyTries: KEY_TRIES,
    };
    this.entries.set(taskId, entry);
    return entry;
  }

  /**
   * Writes the entry once its last edit is old enough (at once for its first message). While a write is in
   * flight nothing is timed: the write re-schedules itself when it ends, from the real time of that edit.
   */
  private schedule(entry: Entry): void {
    if (entry.timer || entry.flushing || this.controller.signal.aborted) return;
    const due =
      entry.telegramMessageId === null ? 0 : entry.lastEditAt + this.options.editIntervalMs - Date.now();
    const backoff = entry.failures
      ? backoffMs(entry.failures, this.options.retryBaseMs, this.options.retryMaxMs)
      : 0;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        entry.flushing = this.flush(entry).finally(() => {
          entry.flushing = null;
          this.afterFlush(entry);
        });
      },
      Math.max(0, due, backoff),
    );
  }

  private afterFlush(entry: Entry): void {
    // Updates that arrived while writing, a failed write to retry, or an ask message not forwarded yet.
    if (entry.card.lastId > entry.shownId || entry.failures > 0 || this.keysPending(entry))
      this.schedule(entry);
    // A finished task needs no more memory here once its final state is written.
    else if (entry.card.result) this.entries.delete(entry.header.id);
  }

  private async flush(entry: Entry): Promise<void> {
    const { chatId } = this.options;
    const shownId = entry.card.lastId;
    const html = renderTaskMessage(entry.header, entry.card, Date.now());
    const reply_markup = { inline_keyboard: taskKeyboard(entry.header.id, entry.card) };
    try {
      if (html !== entry.html || entry.telegramMessageId === null) {
        await this.store.confirmRole();
        if (entry.telegramMessageId === null) {
          const replyTo =
            entry.header.messageId === null
              ? null
              : await this.store.telegramIdFor(chatId, entry.header.messageId);
          const sent = await this.bot.api.sendMessage(chatId, html, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            reply_markup,
            ...(replyTo === null
              ? {}
              : { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
          });
          entry.telegramMessageId = sent.message_id;
        } else {
          await this.edit(entry.telegramMessageId, html, reply_markup);
        }
        entry.lastEditAt = Date.now();
      }
      await this.keyAskMessages(entry).catch((err) =>
        // The task message is what matters; a keyboard on the chat's copy of the ask is a convenience.
        this.logger.warn(
          { task: entry.header.id, err: describeTelegramError(err) },
          'ask keyboard not updated',
        ),
      );
      entry.html = html;
      entry.shownId = shownId;
      entry.failures = 0;
      await this.store.saveTaskMessage(
        {
          taskId: entry.header.id,
          chatId,
          telegramMessageId: entry.telegramMessageId,
          lastEventId: shownId,
          html,
        },
        this.cursor(),
      );
    } catch (error) {
      if (error instanceof RoleLostError) {
        this.controller.abort();
        return;
      }
      entry.failures += 1;
      const description = describeTelegramError(error);
      this.onError(description);
      this.logger.warn({ task: entry.header.id, description }, 'telegram task message not written; retrying');
      if (error instanceof GrammyError && error.error_code === 429)
        await sleep((error.parameters.retry_after ?? 1) * 1000, this.controller.signal);
      // Retried after a backoff (afterFlush): the final state is written once Telegram takes it.
    }
  }

  private keysPending(entry: Entry): boolean {
    if (entry.keyTries <= 0) return false;
    return entry.card.asks.some((a) => a.messageId !== null && !entry.keyed.has(a.askId));
  }

  /**
   * The agent's own ask messages in the chat (forwarded by the outbox) get the same buttons as the task message
   * while open, and lose them once settled.
   */
  private async keyAskMessages(entry: Entry): Promise<void> {
    const { chatId } = this.options;
    const open = new Set(entry.card.asks.map((a) => a.askId));
    for (const [askId, telegramId] of entry.keyed) {
      if (open.has(askId)) continue;
      entry.keyed.delete(askId);
      await this.bot.api.editMessageReplyMarkup(chatId, telegramId, {
        reply_markup: { inline_keyboard: [] },
      });
    }
    if (!this.keysPending(entry)) return;
    entry.keyTries -= 1;
    for (const ask of entry.card.asks) {
      if (ask.messageId === null || entry.keyed.has(ask.askId)) continue;
      const telegramId = await this.store.telegramIdFor(chatId, ask.messageId);
      if (telegramId === null) continue;
      const only = { ...entry.card, asks: [ask] };
      await this.bot.api.editMessageReplyMarkup(chatId, telegramId, {
        reply_markup: { inline_keyboard: askKeyboard(entry.header.id, only) },
      });
      entry.keyed.set(ask.askId, telegramId);
    }
    // Not forwarded yet: look again after an edit interval, not in a tight loop.
    if (this.keysPending(entry)) entry.lastEditAt = Math.max(entry.lastEditAt, Date.now());
  }

  private async edit(
    messageId: number,
    html: string,
    reply_markup: { inline_keyboard: ReturnType<typeof askKeyboard> },
  ): Promise<void> {
    try {
      await this.bot.api.editMessageText(this.options.chatId, messageId, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup,
      });
    } catch (error) {
      // The same text again (a restart re-rendering an unchanged task): nothing to do.
      if (error instanceof GrammyError && /not modified/i.test(error.description)) return;
      throw error;
    }
  }

  /** The timeline id up to which every update is shown in Telegram (a restart catches up from here). */
  private cursor(): number {
    let cursor = this.takenId;
    for (const entry of this.entries.values())
      if (entry.card.lastId > entry.shownId) cursor = Math.min(cursor, entry.shownId);
    return cursor;
  }

  /** A button on a task message was pressed: answer the ask or settle the branch, and tell the presser how it went. */
  async onCallback(query: CallbackQuery): Promise<void> {
    const data = query.data ?? '';
    const by = telegramSender(query.from);
    const branch = parseBranchCallback(data);
    const text = branch
      ? await this.pressBranch(branch.taskId, branch.action, by)
      : await this.pressAsk(data, by);
    await this.bot.api
      .answerCallbackQuery(query.id, { text: text.slice(0, 200) }, grammySignal(this.controller.signal))
      .catch((err) => this.logger.warn({ err: describeTelegramError(err) }, 'answerCallbackQuery failed'));
  }

  private async pressAsk(data: string, by: string): Promise<string> {
    const parsed = parseAskCallback(data);
    if (!parsed) return 'This button is not for anything any more.';
    const ask = await this.findAsk(parsed.taskId, parsed.askId);
    if (!ask) return 'That was already answered (or the task has ended).';
    if (!this.tasks.answerAsk) return 'Answering from Telegram is not available here.';
    const answer = parsed.choice.startsWith('o')
      ? (ask.options[Number(parsed.choice.slice(1))] ?? '')
      : parsed.choice;
    return this.tasks.answerAsk(ask.askId, answer, by).catch(refusal);
  }

  /** Merge / Discard: the task message is edited by the branch entry the agents record for it. */
  private async pressBranch(taskId: number, action: BranchAction, by: string): Promise<string> {
    const entry = this.entries.get(taskId) ?? (await this.load(taskId).catch(() => null));
    const branch = entry?.card.branch;
    if (!entry || !branch) return `Task #${taskId} has no branch to ${action}.`;
    if (!branchActionable(entry.card))
      return `${branch.branch} is already ${branch.state}${branch.by ? ` (by ${branch.by})` : ''}.`;
    if (!this.tasks.settleBranch) return 'Merging from Telegram is not available here.';
    return this.tasks.settleBranch(taskId, action, by).catch(refusal);
  }

  /**
   * A reply to a task message is a reply to the chat message that gave the task (where the agents look for a
   * task's thread: "merge", "discard", "@ada change …"); null for other messages and tasks given without one.
   */
  async replyTarget(telegramMessageId: number): Promise<number | null> {
    const taskId = await this.store.taskForTelegramMessage(this.options.chatId, telegramMessageId);
    if (taskId === null) return null;
    return (this.entries.get(taskId)?.header ?? (await this.tasks.task(taskId)))?.messageId ?? null;
  }

  /** The open ask a button names: from memory, or (a restart or a bridge switch forgot it) from its task's timeline. */
  private async findAsk(taskId: number, askId: string) {
    const entry = this.entries.get(taskId) ?? (await this.load(taskId).catch(() => null));
    return entry?.card.asks.find((a) => a.askId === askId || a.askId.startsWith(askId)) ?? null;
  }
}

/** A refusal's sentence, for the person who pressed. */
const refusal = (error: unknown): string => (error instanceof Error ? error.message : String(error));
