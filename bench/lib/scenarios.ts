// The benchmark scenarios. Each runs against one driver (project or baseline) and returns its figures plus a
// sequence report; any loss, duplication or reordering fails the whole run.
import { setTimeout as sleep } from 'node:timers/promises';
import { drive, type Send } from './drive';
import type { Driver } from './drivers';
import { type RunningServer, rssKb } from './servers';
import { addReports, checkSequence, type SequenceReport, summarize } from './stats';

export interface ScenarioResult {
  figures: Record<string, number>;
  sequence: SequenceReport;
  /** Wall-clock times (performance.timeOrigin + now) of the measured phase and of its slowest delivery. */
  timing?: { from: number; to: number; slowest?: { sent: number; arrived: number } };
  /** Per message (index: seq), wall clock: when it was sent, and its first and last delivery (0: none). */
  perMessage?: { sent: Float64Array; first: Float64Array; last: Float64Array };
}

const wallOf = (t: number) => performance.timeOrigin + t;

const NONE: SequenceReport = { lost: 0, duplicated: 0, reordered: 0 };

/**
 * Sends the flood sender keeps in flight ("as fast as the server accepts them": each resolves on commit). The
 * baseline has no acknowledgements and writes all at once. 512 requests issued together still fit one 64 KiB
 * frame of @trpc/client's batching; 64 left the sender waiting on acknowledgements queued behind the
 * subscribers' frames in the shared client process.
 */
export const FLOOD_IN_FLIGHT = 512;
/** Per ingest sender. */
export const INGEST_IN_FLIGHT = 32;

/** Resolves when `done()` is true or after `ms` (then the sequence check reports what is missing). */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(5);
}

/**
 * Warm-up messages carry sequence numbers from here on. Every run first sends warm-up traffic of the same shape to
 * the freshly started server (project and baseline alike) and waits for all of it to arrive, so what is measured
 * is a running server, not V8 compiling its hot path; the receivers count warm-up deliveries apart.
 */
export const WARMUP_BASE = 1_000_000_000;

async function fanOut(
  driver: Driver,
  o: { subscribers: number; messages: number; warmup: number; pace: number | null; window: number },
) {
  const received = Array.from({ length: o.subscribers }, () => [] as number[]);
  const sentAt = new Float64Array(o.messages);
  const firstAt = new Float64Array(o.messages);
  const lastAtOf = new Float64Array(o.messages);
  const latencies: number[] = [];
  let delivered = 0;
  let warmDelivered = 0;
  let lastAt = 0;
  let slowest = { ms: -1, sent: 0, arrived: 0 };
  await driver.subscribe(o.subscribers, (i, seq, at) => {
    if (seq >= WARMUP_BASE) {
      warmDelivered++;
      return;
    }
    const now = at ?? performance.now();
    received[i]?.push(seq);
    const ms = now - (sentAt[seq] ?? now);
    latencies.push(ms);
    if (!firstAt[seq]) firstAt[seq] = now;
    if (now > (lastAtOf[seq] ?? 0)) lastAtOf[seq] = now;
    if (ms > slowest.ms) slowest = { ms, sent: sentAt[seq] ?? now, arrived: now };
    delivered++;
    lastAt = Math.max(lastAt, now);
  });
  const send = await driver.sender();
  await drive((i) => send(WARMUP_BASE + i), o.warmup, o.pace, o.window);
  await until(() => warmDelivered >= o.subscribers * o.warmup, 60_000);
  const start = performance.now();
  const stamped: Send = (seq) => {
    sentAt[seq] = performance.now();
    return send(seq);
  };
  await drive(stamped, o.messages, o.pace, o.window);
  await until(() => delivered >= o.subscribers * o.messages, 60_000);
  const sequence = received.map((r) => checkSequence(r, o.messages)).reduce(addReports, NONE);
  const timing = {
    from: wallOf(start),
    to: wallOf(Math.max(lastAt, start)),
    slowest: { sent: wallOf(slowest.sent), arrived: wallOf(slowest.arrived) },
  };
  const toWall = (times: Float64Array) => times.map((t) => (t ? wallOf(t) : 0));
  const perMessage = { sent: toWall(sentAt), first: toWall(firstAt), last: toWall(lastAtOf) };
  return { start, lastAt, delivered, latency: summarize(latencies), sequence, timing, perMessage };
}

export async function flood(
  driver: Driver,
  o: { subscribers: number; messages: number; warmup: number },
): Promise<ScenarioResult> {
  const r = await fanOut(driver, { ...o, pace: null, window: FLOOD_IN_FLIGHT });
  const seconds = (r.lastAt - r.start) / 1000;
  return {
    figures: {
      'deliveries/s': Math.round(r.delivered / seconds),
      'p50 ms': r.latency.p50,
      'p99 ms': r.latency.p99,
      'max ms': r.latency.max,
    },
    sequence: r.sequence,
    timing: r.timing,
  };
}

export async function paced(
  driver: Driver,
  o: { subscribers: number; perSecond: number; seconds: number; warmupSeconds: number },
): Promise<ScenarioResult> {
  const r = await fanOut(driver, {
    subscribers: o.subscribers,
    messages: o.perSecond * o.seconds,
    warmup: o.perSecond * o.warmupSeconds,
    pace: o.perSecond,
    window: 1,
  });
  return {
    figures: { 'p50 ms': r.latency.p50, 'p99 ms': r.latency.p99, 'max ms': r.latency.max },
    sequence: r.sequence,
    timing: r.timing,
    perMessage: r.perMessage,
  };
}

/**
 * Ten senders in a process of their own (./sender-process.ts), one subscriber here; committed messages/s, and each
 * message's latency from its send (in the sender process) to its delivery here, on the shared wall clock.
 */
export async function ingest(
  driver: Driver,
  o: { senders: number; messages: number; warmup: number },
): Promise<ScenarioResult> {
  const perSender = Math.floor(o.messages / o.senders);
  const warmPerSender = Math.floor(o.warmup / o.senders);
  const total = perSender * o.senders;
  const bySender = Array.from({ length: o.senders }, () => [] as number[]);
  const arrivedAt = new Float64Array(total);
  let received = 0;
  let warmReceived = 0;
  await driver.subscribe(1, (_i, seq) => {
    if (seq >= WARMUP_BASE) {
      warmReceived++;
      return;
    }
    // Sender s sends s, s + senders, s + 2 * senders...: the subscriber tells the senders' sequences apart.
    bySender[seq % o.senders]?.push(Math.floor(seq / o.senders));
    if (seq < total) arrivedAt[seq] = wallOf(performance.now());
    received++;
  });
  const group = await driver.senderGroup(o.senders);
  try {
    await group.run({ base: WARMUP_BASE, perSender: warmPerSender, window: INGEST_IN_FLIGHT });
    await until(() => warmReceived >= warmPerSender * o.senders, 60_000);
    const start = performance.now();
    const sentAt = await group.run({ base: 0, perSender, window: INGEST_IN_FLIGHT });
    await until(() => received >= total, 60_000);
    const seconds = (performance.now() - start) / 1000;
    const latencies: number[] = [];
    let slowest = { ms: -1, sent: 0, arrived: 0 };
    for (let seq = 0; seq < total; seq++) {
      const [sent, arrived] = [sentAt[seq] ?? 0, arrivedAt[seq] ?? 0];
      if (!sent || !arrived) continue;
      latencies.push(arrived - sent);
      if (arrived - sent > slowest.ms) slowest = { ms: arrived - sent, sent, arrived };
    }
    const l = summarize(latencies);
    return {
      figures: {
        'messages/s': Math.round(received / seconds),
        'p50 ms': l.p50,
        'p99 ms': l.p99,
        'max ms': l.max,
      },
      sequence: bySender.map((r) => checkSequence(r, perSender)).reduce(addReports, NONE),
      timing: { from: wallOf(start), to: wallOf(performance.now()), slowest },
    };
  } finally {
    await group.close();
  }
}

/**
 * Server RSS per idle subscribed connection, 1.5 s after the last one connected; with `settleSeconds`, also after
 * that much idle time: V8 frees the garbage of the connection burst (handshakes, auth, subscription set-up) only
 * once allocation has been quiet for a while, so the settled figure is the steady cost of holding a connection.
 */
export async function connections(
  driver: Driver,
  server: RunningServer,
  o: { count: number; settleSeconds?: number },
): Promise<ScenarioResult> {
  await sleep(300);
  const before = rssKb(server.pid);
  const start = performance.now();
  await driver.subscribe(o.count, () => {});
  const connectMs = performance.now() - start;
  await sleep(1500);
  const perConnection = () => Math.round(((rssKb(server.pid) - before) / o.count) * 10) / 10;
  const figures: Record<string, number> = { 'KB/conn': perConnection(), 'connect s': connectMs / 1000 };
  if (o.settleSeconds) {
    await sleep(o.settleSeconds * 1000);
    figures['KB/conn settled'] = perConnection();
  }
  return { figures, sequence: NONE };
}

/** Mention -> acknowledgement latency with the deterministic responder (project only). */
export async function agents(server: RunningServer, o: { mentions: number }): Promise<ScenarioResult | null> {
  if (!server.httpUrl) return null;
  const admin = await server.token('bench-admin', 'admin');
  const hire = await fetch(`${server.httpUrl}/employees`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ name: 'benchbot', role: 'developer' }),
  });
  if (hire.status === 404) return null;
  if (!hire.ok) throw new Error(`hiring the bench agent failed: ${hire.status} ${await hire.text()}`);
  const { createTRPCClient, createWSClient, wsLink } = await import('@trpc/client');
  const WebSocket = (await import('ws')).default;
  const ws = createWSClient({
    url: server.wsUrl,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token: await server.token('asker') },
  });
  type Router = import('../../src/server/trpc/root').AppRouter;
  const trpc = createTRPCClient<Router>({ links: [wsLink({ client: ws })] });
  const acked = new Map<number, number>();
  await new Promise<void>((resolve) => {
    trpc.chat.onMessage.subscribe(undefined, {
      onStarted: () => resolve(),
      onData: ({ data }) => {
        for (const m of data.messages) {
          // The acknowledgement is posted in the mention's thread (a reply to it, before threads).
          const about = m.threadRoot ?? m.replyTo;
          if (m.sender === 'benchbot' && about != null && !acked.has(about))
            acked.set(about, performance.now());
        }
      },
    });
  });
  const latencies: number[] = [];
  let missing = 0;
  let slowest = { ms: -1, sent: 0, arrived: 0 };
  const from = wallOf(performance.now());
  for (let i = 0; i < o.mentions; i++) {
    const start = performance.now();
    const sent = await trpc.chat.send.mutate({ text: `@benchbot please add a login form number ${i}` });
    await until(() => acked.has(sent.id), 5000);
    const at = acked.get(sent.id);
    if (at === undefined) missing++;
    else {
      latencies.push(at - start);
      if (at - start > slowest.ms) slowest = { ms: at - start, sent: wallOf(start), arrived: wallOf(at) };
    }
  }
  ws.close();
  const l = summarize(latencies);
  return {
    figures: { 'p50 ms': l.p50, 'p99 ms': l.p99, 'max ms': l.max },
    sequence: { lost: missing, duplicated: 0, reordered: 0 },
    timing: { from, to: wallOf(performance.now()), slowest },
  };
}
