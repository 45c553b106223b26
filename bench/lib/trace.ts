// Where a paced message's time goes (`--trace`): the server's probe follows each bench message through its steps
// (./probe.mjs, BENCH_PROBE_TRACE=1) and the bench knows when it sent it and when its first and last subscriber got
// it. Joined per message on the shared wall clock, the steps split its latency into segments; comparing the slow
// messages' segments with everyone's says which step makes the tail.
import type { ProbeSlice } from './probe.mjs';
import { percentile } from './stats';

/** The segments of one message's latency (ms), in the order it goes through them. */
export const SEGMENTS = [
  'send→read',
  'read→hand',
  'hand→tx',
  'tx body',
  'tx commit',
  'tx→done',
  'done→write',
  'writes',
  'write→last',
] as const;
export type Segment = (typeof SEGMENTS)[number];

const LABELS: Record<Segment, string> = {
  'send→read': 'client send until the server read its chat.send frame',
  'read→hand': 'call, validation, waiting for the group (setImmediate) until handed to the writer thread',
  'hand→tx': 'handed over until its transaction started in the writer thread (wake-up, an earlier group)',
  'tx body': 'the group’s inserts',
  'tx commit': 'BEGIN + COMMIT: the WAL write and its fsync',
  'tx→done': 'transaction end until the main thread took the answer',
  'done→write': 'answer taken until its first frame was written (publish, subscribers’ generators, encoding)',
  writes: 'first to last socket write of its frames (every subscriber)',
  'write→last': 'last write until the last subscriber had it (the clients)',
};

export interface MessageTrace {
  seq: number;
  /** Last delivery - send. */
  total: number;
  segments: Record<Segment, number>;
  groupSize: number;
  /** Server main-thread and bench-process GC pauses overlapping [sent, last delivery]. */
  serverGc: number;
  clientGc: number;
  /** With --disk-beside: the longest commit of the disk loop that overlapped this message's transaction. */
  disk?: number;
  /** The server's WAL checkpoints (checkpointer thread) that overlapped this message's transaction, ms. */
  checkpoint: number;
}

interface Steps {
  read?: number;
  hand?: number;
  groupSize?: number;
  txStart?: number;
  txMs?: number;
  txBody?: number;
  done?: number;
  firstWrite?: number;
  lastWrite?: number;
}

function gcWithin(slices: ProbeSlice[], from: number, to: number): number {
  let ms = 0;
  for (const s of slices) {
    if (s.th !== 0 || s.t > to || s.t + 100 < from) continue;
    for (const [at, duration] of s.gc) {
      const overlap = Math.min(to, at + duration) - Math.max(from, at);
      if (overlap > 0) ms += overlap;
    }
  }
  return ms;
}

/** Every message that the server's trace and the bench both saw, with its segments. */
export function traceMessages(
  server: ProbeSlice[],
  client: ProbeSlice[],
  perMessage: { sent: Float64Array; first: Float64Array; last: Float64Array },
  /** Commits of the disk loop beside the round: [start on the wall clock, ms]. */
  disk?: [number, number][],
): MessageTrace[] {
  const steps = new Map<number, Steps>();
  const of = (seq: number) => {
    let s = steps.get(seq);
    if (!s) {
      s = {};
      steps.set(seq, s);
    }
    return s;
  };
  for (const slice of server) {
    for (const e of slice.ev ?? []) {
      if (e[0] === 'in') of(e[1]).read ??= e[2];
      else if (e[0] === 'hand') Object.assign(of(e[1]), { hand: e[2], groupSize: e[3] });
      else if (e[0] === 'tx')
        for (const seq of e[6]) Object.assign(of(seq), { txStart: e[2], txMs: e[3], txBody: e[4] });
      else if (e[0] === 'done') of(e[1]).done = e[2];
      else if (e[0] === 'w') {
        const s = of(e[1]);
        s.firstWrite = Math.min(s.firstWrite ?? e[2], e[2]);
        s.lastWrite = Math.max(s.lastWrite ?? e[3], e[3]);
      }
    }
  }
  const checkpoints = server.flatMap((slice) => slice.ckpt);
  const out: MessageTrace[] = [];
  for (let seq = 0; seq < perMessage.sent.length; seq++) {
    const s = steps.get(seq);
    const sent = perMessage.sent[seq] ?? 0;
    const last = perMessage.last[seq] ?? 0;
    if (!s || !sent || !last) continue;
    const { read, hand, txStart, txMs, txBody, done, firstWrite, lastWrite } = s;
    if (
      read === undefined ||
      hand === undefined ||
      txStart === undefined ||
      txMs === undefined ||
      txBody === undefined ||
      done === undefined ||
      firstWrite === undefined ||
      lastWrite === undefined
    )
      continue;
    const txEnd = txStart + txMs;
    let checkpoint = 0;
    for (const [at, ms] of checkpoints)
      checkpoint += Math.max(0, Math.min(txEnd, at + ms) - Math.max(txStart, at));
    let beside: number | undefined;
    if (disk) {
      beside = 0;
      for (const [at, ms] of disk) if (at < txEnd && at + ms > txStart) beside = Math.max(beside, ms);
    }
    out.push({
      seq,
      total: last - sent,
      segments: {
        'send→read': read - sent,
        'read→hand': hand - read,
        'hand→tx': txStart - hand,
        'tx body': txBody,
        'tx commit': txMs - txBody,
        'tx→done': done - txEnd,
        'done→write': firstWrite - done,
        writes: lastWrite - firstWrite,
        'write→last': last - lastWrite,
      },
      groupSize: s.groupSize ?? 1,
      serverGc: gcWithin(server, sent, last),
      clientGc: gcWithin(client, sent, last),
      checkpoint,
      ...(beside === undefined ? {} : { disk: beside }),
    });
  }
  return out;
}

export interface TailReport {
  traced: number;
  slow: number;
  thresholdMs: number;
  /** Per segment: median over all traced messages, median and p90 over the slow ones. */
  segments: { segment: Segment; label: string; all: number; slowMedian: number; slowP90: number }[];
  /** How many slow messages had each segment as the one furthest above its everyone's median. */
  blame: Partial<Record<Segment, number>>;
  /**
   * Slow and all messages whose transaction overlapped a WAL checkpoint, and the median BEGIN + COMMIT of the
   * messages committed during one and outside.
   */
  duringCheckpoint: { slow: number; all: number; commitDuring: number; commitOutside: number };
  slowest: MessageTrace[];
}

const r2 = (n: number) => Math.round(n * 100) / 100;
const med = (values: number[], p = 50) =>
  values.length
    ? percentile(
        [...values].sort((a, b) => a - b),
        p,
      )
    : Number.NaN;

/** Which segments the messages slower than `thresholdMs` (last delivery) lost their time in. */
export function tailReport(messages: MessageTrace[], thresholdMs: number): TailReport {
  const slow = messages.filter((m) => m.total > thresholdMs);
  const all = Object.fromEntries(SEGMENTS.map((s) => [s, med(messages.map((m) => m.segments[s]))])) as Record<
    Segment,
    number
  >;
  const blame: Partial<Record<Segment, number>> = {};
  for (const m of slow) {
    let worst: Segment = SEGMENTS[0];
    for (const s of SEGMENTS) if (m.segments[s] - all[s] > m.segments[worst] - all[worst]) worst = s;
    blame[worst] = (blame[worst] ?? 0) + 1;
  }
  return {
    traced: messages.length,
    slow: slow.length,
    thresholdMs,
    segments: SEGMENTS.map((segment) => ({
      segment,
      label: LABELS[segment],
      all: r2(all[segment]),
      slowMedian: r2(med(slow.map((m) => m.segments[segment]))),
      slowP90: r2(
        med(
          slow.map((m) => m.segments[segment]),
          90,
        ),
      ),
    })),
    blame,
    duringCheckpoint: {
      slow: slow.filter((m) => m.checkpoint > 0).length,
      all: messages.filter((m) => m.checkpoint > 0).length,
      commitDuring: r2(med(messages.filter((m) => m.checkpoint > 0).map((m) => m.segments['tx commit']))),
      commitOutside: r2(med(messages.filter((m) => m.checkpoint === 0).map((m) => m.segments['tx commit']))),
    },
    slowest: [...slow].sort((a, b) => b.total - a.total).slice(0, 5),
  };
}

/** The report as lines for the terminal. */
export function describeTail(report: TailReport): string[] {
  const lines = [
    `${report.slow} of ${report.traced} traced messages took over ${report.thresholdMs} ms to their last subscriber`,
    `  segment      all p50   slow p50   slow p90   (ms)`,
  ];
  for (const s of report.segments)
    lines.push(
      `  ${s.segment.padEnd(11)} ${String(s.all).padStart(8)} ${String(s.slowMedian).padStart(10)} ${String(s.slowP90).padStart(10)}   ${s.label}`,
    );
  const blame = Object.entries(report.blame)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  if (blame) lines.push(`  furthest above its median in the slow messages: ${blame}`);
  const c = report.duringCheckpoint;
  lines.push(
    `  committed while a WAL checkpoint ran: ${c.slow} of the ${report.slow} slow, ${c.all} of all ${report.traced} (their BEGIN + COMMIT p50 ${c.commitDuring} ms, the others' ${c.commitOutside} ms)`,
  );
  for (const m of report.slowest)
    lines.push(
      `  seq ${m.seq}: ${r2(m.total)} ms = ${SEGMENTS.map((s) => `${s} ${r2(m.segments[s])}`).join(', ')}; group of ${m.groupSize}; GC server ${r2(m.serverGc)} / clients ${r2(m.clientGc)} ms; checkpoint during its commit ${r2(m.checkpoint)} ms${m.disk === undefined ? '' : `; disk loop's longest commit meanwhile ${r2(m.disk)} ms`}`,
    );
  return lines;
}

/** The disk loop's commits over [from, to]: p50 / p99 / max ms. */
export function diskFigures(disk: [number, number][], from: number, to: number) {
  const ms = disk.filter(([at]) => at >= from && at <= to).map(([, d]) => d);
  return { commits: ms.length, p50: r2(med(ms)), p99: r2(med(ms, 99)), max: r2(Math.max(0, ...ms)) };
}
