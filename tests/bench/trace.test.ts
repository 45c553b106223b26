import { describe, expect, it } from 'vitest';
import type { ProbeSlice } from '../../bench/lib/probe.mjs';
import { describeTail, tailReport, traceMessages } from '../../bench/lib/trace';

// `--trace` joins the server probe's per-message steps with the bench's send and delivery times: these are the rules
// that cut a message's latency into segments and pick the one that made a slow message slow.
const T = 1_800_000_000_000;
const slice = (th: number, ev: ProbeSlice['ev'], gc: ProbeSlice['gc'] = []): ProbeSlice => ({
  th,
  t: T,
  loop: 10,
  gc,
  tx: [0, 0, 0, 0],
  ckpt: [],
  ev,
});

/** A message sent at `at` whose commit (BEGIN + COMMIT) took `commit` ms; everything else as fast as usual. */
function steps(
  seq: number,
  at: number,
  commit: number,
): { main: ProbeSlice['ev']; writer: ProbeSlice['ev'] } {
  const hand = at + 0.5;
  const txStart = hand + 0.1;
  const txMs = 0.2 + commit;
  const done = txStart + txMs + 0.1;
  return {
    main: [
      ['in', seq, at + 0.3],
      ['hand', seq, hand, 1],
      ['done', seq, done],
      ['w', seq, done + 0.2, done + 0.7, 100],
    ],
    writer: [['tx', seq, txStart, txMs, 0.2, 1, [seq]]],
  };
}

describe('tracing where a paced message spends its time', () => {
  const commits = [0.4, 0.5, 0.4, 12, 0.5];
  const sent = new Float64Array(commits.length);
  const first = new Float64Array(commits.length);
  const last = new Float64Array(commits.length);
  const main: NonNullable<ProbeSlice['ev']> = [];
  const writer: NonNullable<ProbeSlice['ev']> = [];
  commits.forEach((commit, seq) => {
    const at = T + seq * 5;
    const s = steps(seq, at, commit);
    main.push(...(s.main ?? []));
    writer.push(...(s.writer ?? []));
    sent[seq] = at;
    const w = s.main?.[3] as [string, number, number, number, number];
    first[seq] = w[2] + 0.5;
    last[seq] = w[3] + 1;
  });
  const checkpointer = { ...slice(3, []), ckpt: [[T + 15.4, 3]] as [number, number][] };
  const server = [slice(0, main, [[T + 16, 0.4, 1]]), slice(2, writer), checkpointer];
  const traced = traceMessages(server, [slice(0, [])], { sent, first, last }, [[T + 15.5, 11]]);

  it('cuts each message into its segments, adding up to its latency', () => {
    expect(traced).toHaveLength(5);
    const m = traced[3];
    const sum = Object.values(m?.segments ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(m?.total ?? 0, 3);
    expect(m?.segments['tx commit']).toBeCloseTo(12, 3);
    expect(m?.segments['send→read']).toBeCloseTo(0.3, 3);
    expect(m?.disk).toBe(11);
    expect(m?.serverGc).toBeCloseTo(0.4, 3);
    expect(traced[0]?.disk).toBe(0);
    expect(m?.checkpoint).toBeCloseTo(2.8, 3);
    expect(traced[0]?.checkpoint).toBe(0);
  });

  it('blames the slow message on its commit and leaves out messages the server never saw', () => {
    const report = tailReport(traced, 5);
    expect(report.traced).toBe(5);
    expect(report.slow).toBe(1);
    expect(report.blame).toEqual({ 'tx commit': 1 });
    expect(report.slowest[0]?.seq).toBe(3);
    expect(report.duringCheckpoint).toMatchObject({ slow: 1, all: 1, commitDuring: 12 });
    expect(describeTail(report).join('\n')).toMatch(/1 of 5 traced messages took over 5 ms/);
    const unseen = traceMessages([], [], { sent, first, last });
    expect(unseen).toEqual([]);
  });
});
