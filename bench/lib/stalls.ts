// Reads the probes' step timings (./probe.ts) over a stretch of wall-clock time: how long the event loop was
// blocked, GC pauses, SQLite transactions and checkpoints — to summarise each round and to explain a flagged one
// (a round whose max latency is over 10x its p99) by what the server and the bench's clients were doing meanwhile.
import type { ProbeSlice } from './probe.mjs';

const SLICE_MS = 100;
const GC_KINDS: Record<number, string> = {
  1: 'scavenge',
  4: 'mark-compact',
  8: 'incremental marking',
  16: 'weak callbacks',
};

export interface Steps {
  /** Longest event-loop delay of the main thread (resolution 10 ms). */
  loopMax: number;
  /** GC pauses in the main thread: total, longest and its kind. */
  gcMs: number;
  gcMax: number;
  gcKind: string;
  /** Longest SQLite transaction, in any thread (a commit's fsync and automatic checkpoints happen inside). */
  txMax: number;
  /** Explicit WAL checkpoints: longest. */
  ckptMax: number;
  /** Whether the longest transaction ran on a thread other than the main one. */
  txOffMain: boolean;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The steps measured in slices overlapping [from, to] (wall clock, ms). */
export function stepsIn(slices: ProbeSlice[], from: number, to: number): Steps {
  const steps: Steps = { loopMax: 0, gcMs: 0, gcMax: 0, gcKind: '', txMax: 0, ckptMax: 0, txOffMain: false };
  for (const s of slices) {
    if (s.t + SLICE_MS < from || s.t > to) continue;
    if (s.th === 0) {
      steps.loopMax = Math.max(steps.loopMax, s.loop);
      for (const [at, ms, kind] of s.gc) {
        if (at < from || at > to) continue;
        steps.gcMs += ms;
        if (ms > steps.gcMax) {
          steps.gcMax = ms;
          steps.gcKind = GC_KINDS[kind] ?? `kind ${kind}`;
        }
      }
    }
    if (s.tx[2] > steps.txMax) {
      steps.txMax = s.tx[2];
      steps.txOffMain = s.th !== 0;
    }
    for (const [, ms] of s.ckpt) steps.ckptMax = Math.max(steps.ckptMax, ms);
  }
  steps.gcMs = r1(steps.gcMs);
  return steps;
}

/** One line of figures, e.g. for a round's summary. */
export function describeSteps(who: string, s: Steps): string {
  const parts = [`event loop blocked up to ${r1(s.loopMax)} ms`];
  parts.push(s.gcMax ? `GC ${s.gcMs} ms in all, longest ${r1(s.gcMax)} ms (${s.gcKind})` : 'no GC');
  if (s.txMax)
    parts.push(`longest SQLite commit ${r1(s.txMax)} ms${s.txOffMain ? ' (off the main thread)' : ''}`);
  if (s.ckptMax) parts.push(`longest checkpoint ${r1(s.ckptMax)} ms`);
  return `${who}: ${parts.join(', ')}`;
}

/**
 * Why the slowest delivery took `ms`: the step timings of the server and of the bench process while it was under
 * way, and which of them accounts for the time (or that none does: a process that was not scheduled).
 */
export function explainSlowest(
  ms: number,
  p99: number,
  server: Steps,
  client: Steps,
): { cause: string; details: string } {
  const excess = ms - p99;
  const commit = server.txOffMain
    ? `a SQLite commit of ${r1(server.txMax)} ms in the writer thread (fsync/checkpoint; a message is published only after its commit)`
    : `a SQLite commit on the server's event loop (fsync/checkpoint) of ${r1(server.txMax)} ms`;
  const candidates: [number, string][] = [
    [server.txMax, commit],
    [server.gcMax, `a server GC pause (${server.gcKind}) of ${r1(server.gcMax)} ms`],
    [client.gcMax, `a GC pause in the bench's client process (${client.gcKind}) of ${r1(client.gcMax)} ms`],
    [server.ckptMax, `a WAL checkpoint of ${r1(server.ckptMax)} ms`],
  ];
  const [best, text] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  let cause: string;
  if (best >= excess * 0.5) cause = text;
  else if (server.loopMax >= excess * 0.5)
    cause = `the server's event loop blocked ${r1(server.loopMax)} ms with no GC or commit to account for it (the process was not running: CPU taken by other processes on this shared machine)`;
  else if (client.loopMax >= excess * 0.5)
    cause = `the bench's client process blocked ${r1(client.loopMax)} ms with no GC to account for it (not scheduled: CPU taken by other processes)`;
  else
    cause = `none of the measured steps (server loop ${r1(server.loopMax)} ms, client loop ${r1(client.loopMax)} ms): time between the processes — socket buffers or scheduling`;
  return { cause, details: `${describeSteps('server', server)}; ${describeSteps('clients', client)}` };
}
