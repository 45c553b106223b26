// Agent response latency (mention committed -> acknowledgement committed) over the most recent samples.

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export class LatencyRecorder {
  private readonly samples: number[] = [];
  private total = 0;

  constructor(private readonly keep = 1000) {}

  record(ms: number): void {
    this.total += 1;
    this.samples.push(ms);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  summary(): LatencySummary {
    return summarizeLatency(this.samples, this.total);
  }
}

/** p50, p99 and max of `samples` (ms, one decimal); `count` says how many they stand for. */
export function summarizeLatency(samples: readonly number[], count = samples.length): LatencySummary {
  if (samples.length === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1] as number),
  };
}
