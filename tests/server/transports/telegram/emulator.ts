// Test edge of the world: the telegram-test-api Bot API emulator on a free loopback port, a record of what the
// bot sent, and a tiny HTTP proxy in front of it that can answer 429 / 401 or repeat updates.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessageEntity } from 'grammy/types';
import TelegramServer from 'telegram-test-api';
import { freePort } from '../../../helpers/process';

export const TOKEN = '123456:test-token';
export const CHAT_ID = 1;

export interface SentByBot {
  telegramId: number;
  text: string;
  parseMode: string | undefined;
  replyTo: number | null;
  chatId: string;
}

/** The emulator plus every message the bot sent, kept across emulator restarts (its own storage is wiped). */
export class Emulator {
  readonly server: TelegramServer;
  readonly sent: SentByBot[] = [];
  running = false;

  /** Updates the emulator cannot make itself (edited_message, message_reaction), delivered with the next poll. */
  private readonly extraUpdates: Record<string, unknown>[] = [];

  private constructor(readonly port: number) {
    this.server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
    const server = this.server as unknown as {
      updateId: number;
      getUpdates(token: string): Record<string, unknown>[];
    };
    const ownUpdates = server.getUpdates.bind(server);
    server.getUpdates = (token) =>
      [...ownUpdates(token), ...this.extraUpdates.splice(0)].sort(
        (a, b) => Number(a.update_id) - Number(b.update_id),
      );
    this.server.on('AddedBotMessage', () => {
      const last = this.server.storage.botMessages.at(-1);
      if (!last) return;
      const message = last.message as unknown as Record<string, unknown>;
      const reply = message.reply_parameters as { message_id?: number } | undefined;
      this.sent.push({
        telegramId: last.messageId,
        text: String(message.text),
        parseMode: message.parse_mode as string | undefined,
        replyTo: reply?.message_id ?? null,
        chatId: String(message.chat_id),
      });
    });
  }

  static async start(): Promise<Emulator> {
    const emulator = new Emulator(await freePort());
    await emulator.resume();
    return emulator;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    await this.server.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.server.stop();
  }

  /** A Telegram user writes in the chat; resolves to the Telegram message id the emulator gave it. */
  async userSays(
    text: string,
    options: {
      userName?: string;
      firstName?: string;
      replyTo?: number;
      chatId?: number;
      /** Formatting as a Telegram app sends it (UTF-16 offsets). */
      entities?: MessageEntity[];
    } = {},
  ): Promise<number> {
    const client = this.server.getClient(TOKEN, {
      userName: options.userName ?? 'tg_alice',
      firstName: options.firstName ?? 'Alice',
      chatId: options.chatId ?? CHAT_ID,
    });
    const extra = {
      ...(options.replyTo ? { reply_to_message: { message_id: options.replyTo } } : {}),
      ...(options.entities ? { entities: options.entities } : {}),
    };
    const message = client.makeMessage(text, extra as never);
    await client.sendMessage(message);
    const update = this.server.storage.userMessages.at(-1);
    if (!update) throw new Error('the emulator did not store the user message');
    return update.messageId;
  }

  /** The text of a bot message as Telegram shows it now (after edits), or null once deleted. */
  botText(telegramId: number): string | null {
    const found = this.server.storage.botMessages.find((m) => m.messageId === telegramId);
    return found ? String((found.message as unknown as { text: unknown }).text) : null;
  }

  private addUpdate(update: Record<string, unknown>): void {
    const server = this.server as unknown as { updateId: number };
    this.extraUpdates.push({ update_id: server.updateId, ...update });
    server.updateId += 1;
  }

  private user(userName: string) {
    return { id: 1000 + userName.length, is_bot: false, first_name: userName, username: userName };
  }

  /** A Telegram user edits their message `telegramId` (an edited_message update). */
  userEdits(
    telegramId: number,
    text: string,
    options: { userName?: string; entities?: MessageEntity[]; chatId?: number } = {},
  ): void {
    const chatId = options.chatId ?? CHAT_ID;
    this.addUpdate({
      edited_message: {
        message_id: telegramId,
        from: this.user(options.userName ?? 'tg_alice'),
        chat: { id: chatId, type: 'group', title: 'team' },
        date: Math.floor(Date.now() / 1000),
        edit_date: Math.floor(Date.now() / 1000),
        text,
        ...(options.entities ? { entities: options.entities } : {}),
      },
    });
  }

  /** A Telegram user changes their reactions on message `telegramId` (a message_reaction update). */
  userReacts(
    telegramId: number,
    before: string[],
    after: string[],
    options: { userName?: string } = {},
  ): void {
    const emoji = (list: string[]) => list.map((e) => ({ type: 'emoji', emoji: e }));
    this.addUpdate({
      message_reaction: {
        chat: { id: CHAT_ID, type: 'group', title: 'team' },
        message_id: telegramId,
        user: this.user(options.userName ?? 'tg_alice'),
        date: Math.floor(Date.now() / 1000),
        old_reaction: emoji(before),
        new_reaction: emoji(after),
      },
    });
  }
}

export interface ProxyRule {
  /** Answer this many sendMessage calls with 429 retry_after=`retryAfter`. */
  tooManyRequests?: number;
  retryAfter?: number;
  /** Tokens the proxy refuses with 401 (as Telegram does for a revoked or mistyped token). */
  badTokens?: string[];
  /** Deliver the next non-empty getUpdates answer twice (as after a lost acknowledgement). */
  repeatUpdates?: boolean;
  /** Pass each sendMessage on this much later (a slow Telegram: sends stay in flight for a while). */
  sendDelayMs?: number;
  /** Answer these methods with 400 and this description (what Telegram says when it will not do something). */
  badRequest?: Record<string, string>;
}

const parsed = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
};

/** A tiny HTTP proxy in front of the emulator; records when each method was called. */
export class ApiProxy {
  /** Every call, with its JSON body (what the bot asked, e.g. the text of a callback answer). */
  readonly calls: { method: string; at: number; status: number; body: unknown }[] = [];
  private repeat: unknown[] | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly rule: ProxyRule,
  ) {}

  static async start(target: () => string, rule: ProxyRule): Promise<ApiProxy> {
    let proxy: ApiProxy | null = null;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const method = (req.url ?? '').split('/').at(-1)?.split('?')[0] ?? '';
      const answer = (status: number, json: unknown) => {
        proxy?.calls.push({ method, at: Date.now(), status, body: parsed(body) });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      const p = proxy as ApiProxy;
      if (p.rule.badTokens?.some((t) => req.url?.includes(`/bot${t}/`)))
        return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      if (method === 'sendMessage' && (p.rule.tooManyRequests ?? 0) > 0) {
        p.rule.tooManyRequests = (p.rule.tooManyRequests ?? 0) - 1;
        const retryAfter = p.rule.retryAfter ?? 1;
        return answer(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        });
      }
      const refusal = p.rule.badRequest?.[method];
      if (refusal) return answer(400, { ok: false, error_code: 400, description: refusal });
      // The emulator has no reactions: Telegram's answer to a valid setMessageReaction is a plain true.
      if (method === 'setMessageReaction') return answer(200, { ok: true, result: true });
      if (method === 'sendMessage' && p.rule.sendDelayMs)
        await new Promise((resolve) => setTimeout(resolve, p.rule.sendDelayMs));
      try {
        const upstream = await fetch(`${target()}${req.url}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        });
        const json = (await upstream.json()) as { ok: boolean; result?: unknown };
        if (method === 'getUpdates' && Array.isArray(json.result)) {
          if (p.repeat) {
            json.result = [...p.repeat, ...json.result];
            p.repeat = null;
          } else if (p.rule.repeatUpdates && json.result.length > 0) {
            p.repeat = json.result;
            p.rule.repeatUpdates = false;
          }
        }
        answer(upstream.status, json);
      } catch {
        answer(502, { ok: false, error_code: 502, description: 'Bad Gateway' });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new ApiProxy(server, (server.address() as AddressInfo).port, rule);
    return proxy;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Settings for a fast bridge against the emulator (pacing and backoff shrunk, as the brief asks). */
export function telegramEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: String(CHAT_ID),
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_SEND_INTERVAL_MS: '0',
    TELEGRAM_RETRY_BASE_MS: '50',
    TELEGRAM_RETRY_MAX_MS: '300',
    TELEGRAM_POLL_TIMEOUT_S: '1',
    TELEGRAM_POLL_IDLE_MS: '20',
    TELEGRAM_START_TIMEOUT_MS: '3000',
    RATE_LIMIT_PER_SECOND: '0',
    ...extra,
  };
}
