// The chaos run: tRPC and legacy clients send N messages through a real server process while clients drop at
// random, the server is SIGKILLed and restarted on the same database, and the Telegram emulator goes down for
// 5 s. Then every client's view, the database and the Telegram chat must hold exactly the N messages, in id order.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, type ServerProcess, startServerProcess } from '../../tests/helpers/process';
import { tempDir } from '../../tests/helpers/server';
import { Emulator, telegramEnv } from '../../tests/server/transports/telegram/emulator';
import { type ClientFigures, LegacyChaosClient, TrpcChaosClient } from './chaos-clients';
import { random } from './malformed-frames';

export interface ChaosOptions {
  messages: number;
  trpcClients: number;
  legacyClients: number;
  /** Server SIGKILLs, spread over the run. */
  kills: number;
  telegramDownMs: number;
  seed: number;
  /** How long the views and the Telegram outbox get to catch up after the last send. */
  drainMs?: number;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  messages: number;
  stored: number;
  telegram: number;
  /** Adjacent Telegram copies of the message in flight at a SIGKILL (at most one per kill; see below). */
  telegramCrashResends: number;
  disconnects: number;
  restarts: number;
  retries: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Where the non-zero counts came from, for the report. */
  details: string[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TAG = /^chaos (\S+) #(\d+)$/;

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const rng = random(options.seed);
  const dbPath = join(tempDir('ocs-chaos-'), 'chat.db');
  const emulator = await Emulator.start();
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  const env = {
    ...telegramEnv(emulator.apiRoot),
    TELEGRAM_GROUP_PER_MINUTE: '1000000',
    // The emulator has no bot-wide limit; Telegram's 30/s would make draining 10,000 messages take minutes.
    TELEGRAM_GLOBAL_PER_SECOND: '100000',
    PORT: String(httpPort),
    WEBSOCKET_PORT: String(wsPort),
    DATABASE_URL: dbPath,
    WS_MAX_CONNECTIONS_PER_IP: '1000',
    LOG_LEVEL: 'error',
  };
  let server: ServerProcess = await startServerProcess(env);
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const trpc = Array.from({ length: options.trpcClients }, (_, i) => new TrpcChaosClient(wsUrl, `t${i}`));
  const legacy = Array.from(
    { length: options.legacyClients },
    (_, i) => new LegacyChaosClient(`${wsUrl}/legacy`, httpUrl, `l${i}`),
  );
  const all = [...trpc, ...legacy];
  let restarts = 0;
  let committed = 0;
  let stopChaos = false;
  try {
    await Promise.all(all.map((c) => c.start()));
    // Quotas: legacy clients 1 % of the messages each, the tRPC clients share the rest.
    const legacyQuota = Math.floor(options.messages / 100);
    const trpcTotal = options.messages - legacyQuota * legacy.length;
    const quotas = [
      ...trpc.map((_, i) => Math.floor(trpcTotal / trpc.length) + (i < trpcTotal % trpc.length ? 1 : 0)),
      ...legacy.map(() => legacyQuota),
    ];

    // Somewhere every 100-500 ms a client drops its connection (between two of its sends).
    const dropper = (async () => {
      while (!stopChaos) {
        await sleep(100 + Math.floor(rng() * 400));
        all[Math.floor(rng() * all.length)]?.requestDisconnect();
      }
    })();
    // SIGKILL at evenly spaced points of progress; the Telegram outage in between.
    const killAt = Array.from({ length: options.kills }, (_, k) =>
      Math.floor(((k + 1) * options.messages) / (options.kills + 1)),
    );
    const telegramAt = Math.floor(options.messages * 0.4);
    let outage: Promise<void> = Promise.resolve();
    const telegramOutage = async () => {
      log(`  Telegram emulator down for ${options.telegramDownMs} ms at ${committed} messages`);
      await emulator.stop();
      await sleep(options.telegramDownMs);
      await emulator.resume();
    };
    const saboteur = (async () => {
      let telegramDone = false;
      for (const at of killAt) {
        while (committed < at && !stopChaos) {
          if (!telegramDone && committed >= telegramAt) {
            telegramDone = true;
            outage = telegramOutage();
          }
          await sleep(5);
        }
        if (stopChaos) return;
        log(`  SIGKILL at ${committed} messages`);
        server.child.kill('SIGKILL');
        await server.exited;
        server = await startServerProcess(env);
        restarts += 1;
      }
      while (!telegramDone && !stopChaos) {
        if (committed >= telegramAt) {
          telegramDone = true;
          outage = telegramOutage();
        }
        await sleep(5);
      }
    })();

    await Promise.all(
      all.map(async (client, i) => {
        for (let n = 1; n <= (quotas[i] ?? 0); n++) {
          await client.send(`chaos ${client.name} #${n}`);
          committed += 1;
        }
      }),
    );
    stopChaos = true;
    await Promise.all([dropper, saboteur]);
    await outage;
    log(`  all ${committed} sent; waiting for the views and the Telegram outbox to drain`);

    // The truth: the database file itself.
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare('SELECT id, text FROM messages ORDER BY id').all() as {
      id: number;
      text: string;
    }[];
    db.close();
    const storedIds = stored.map((m) => m.id);
    const lastId = storedIds.at(-1) ?? 0;

    // The outbox sends one message at a time (Telegram's order and pacing), so its backlog after a fast run drains
    // at the emulator's speed (~70/s here): allow for it rather than call a slow drain a loss.
    const deadline = Date.now() + (options.drainMs ?? Math.max(120_000, options.messages * 40));
    while (Date.now() < deadline && trpc.some((c) => (c.received.at(-1) ?? 0) < lastId)) await sleep(50);
    let lastReport = Date.now();
    while (Date.now() < deadline && emulator.sent.length < stored.length) {
      await sleep(100);
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`  Telegram chat holds ${emulator.sent.length} of ${stored.length}`);
      }
    }
    if (emulator.sent.length < stored.length) log(server.output().slice(-3000));

    const details: string[] = [];
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    // The database: exactly one row per message sent, every row one of ours.
    const texts = stored.map((m) => m.text);
    const expected = new Set<string>();
    all.forEach((c, i) => {
      for (let n = 1; n <= (quotas[i] ?? 0); n++) expected.add(`chaos ${c.name} #${n}`);
    });
    const dbDup = texts.length - new Set(texts).size;
    const dbLost = [...expected].filter((t) => !texts.includes(t)).length;
    const foreign = texts.filter((t) => !expected.has(t)).length;
    if (dbDup) details.push(`database: ${dbDup} duplicated`);
    if (dbLost) details.push(`database: ${dbLost} lost`);
    if (foreign) details.push(`database: ${foreign} rows nobody sent`);
    duplicated += dbDup;
    lost += dbLost + foreign;
    // Per-sender order in the database follows send order (#1, #2, …).
    const lastN = new Map<string, number>();
    for (const t of texts) {
      const [, who, n] = TAG.exec(t) ?? [];
      if (!who) continue;
      if (Number(n) < (lastN.get(who) ?? 0)) reordered += 1;
      lastN.set(who, Number(n));
    }
    // Every client's view.
    const views: ClientFigures[] = [
      ...trpc.map((c) => c.figures()),
      ...(await Promise.all(legacy.map((c) => c.figures()))),
    ];
    for (const v of views) {
      const seen = new Set(v.view);
      const missing = storedIds.filter((id) => !seen.has(id)).length;
      const extra = v.view.filter((id) => !storedIds.includes(id)).length;
      if (missing) details.push(`${v.name}: ${missing} lost`);
      if (extra) details.push(`${v.name}: ${extra} ids not in the database`);
      if (v.duplicated) details.push(`${v.name}: ${v.duplicated} duplicated`);
      if (v.reordered) details.push(`${v.name}: ${v.reordered} out of order`);
      lost += missing + extra;
      duplicated += v.duplicated;
      reordered += v.reordered;
    }
    // The Telegram chat: each message once, in id order.
    const tg = emulator.sent.map((s) => s.text.replace(/^<b>[^<]*<\/b>: /, ''));
    // The Bot API has no idempotency key: a message Telegram accepted just before a SIGKILL, but not yet marked
    // sent, is sent again first after the restart. Such a resend shows as two adjacent copies and there can be at
    // most one per kill; it is reported on its own line. Any other duplicate is a failure.
    let crashResends = 0;
    for (let i = 1; i < tg.length; i++) if (tg[i] === tg[i - 1]) crashResends += 1;
    const allowedResends = Math.min(crashResends, restarts);
    const tgDup = tg.length - new Set(tg).size - allowedResends;
    const tgLost = texts.filter((t) => !tg.includes(t)).length;
    const position = new Map(texts.map((t, i) => [t, i]));
    let tgReordered = 0;
    for (let i = 1; i < tg.length; i++)
      if ((position.get(tg[i] as string) ?? 0) < (position.get(tg[i - 1] as string) ?? 0)) tgReordered += 1;
    if (tgDup) details.push(`telegram: ${tgDup} duplicated`);
    if (tgLost) details.push(`telegram: ${tgLost} lost`);
    if (tgReordered) details.push(`telegram: ${tgReordered} out of order`);
    lost += tgLost;
    duplicated += tgDup;
    reordered += tgReordered;

    return {
      messages: expected.size,
      stored: stored.length,
      telegram: emulator.sent.length,
      telegramCrashResends: allowedResends,
      disconnects: views.reduce((sum, v) => sum + v.disconnects, 0),
      restarts,
      retries: views.reduce((sum, v) => sum + v.retries, 0),
      lost,
      duplicated,
      reordered,
      details,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    stopChaos = true;
    await Promise.all(trpc.map((c) => c.close()));
    for (const c of legacy) c.close();
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await emulator.stop();
  }
}
