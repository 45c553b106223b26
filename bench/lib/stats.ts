// Figures for the benchmark: percentiles and the sequence check that fails a run on loss, duplication or reorder.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const list = Array.from(sorted);
  return {
    p50: percentile(list, 50),
    p99: percentile(list, 99),
    max: list.at(-1) ?? Number.NaN,
    count: list.length,
  };
}

export interface SequenceReport {
  lost: number;
  duplicated: number;
  reordered: number;
}

/** `received` must be exactly 0..expected-1 in order; anything else is counted. */
export function checkSequence(received: number[], expected: number): SequenceReport {
  const seen = new Set<number>();
  let duplicated = 0;
  let reordered = 0;
  let highest = -1;
  for (const seq of received) {
    if (seen.has(seq)) {
      duplicated++;
      continue;
    }
    seen.add(seq);
    if (seq < highest) reordered++;
    highest = Math.max(highest, seq);
  }
  let lost = 0;
  for (let i = 0; i < expected; i++) if (!seen.has(i)) lost++;
  return { lost, duplicated, reordered };
}

export function addReports(a: SequenceReport, b: SequenceReport): SequenceReport {
  return {
    lost: a.lost + b.lost,
    duplicated: a.duplicated + b.duplicated,
    reordered: a.reordered + b.reordered,
  };
}
