// A smoke run of the search benchmark (issue 19) so it keeps working: every figure is there and is a number, and the
// goals are checked. The figures themselves come from `npm run bench -- --only search`, never from a timed test.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/server';

describe('search benchmark', () => {
  it('measures searches over a stored corpus and the ingest with and without the index', () => {
    const out = tempDir('ocs-bench-search-');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--only', 'search', '--out', out],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/goal: search p99 < 50 ms \(issue 19\): (met|NOT met)/);
    expect(run.stdout).toMatch(/goal: search index ingest cost < 10% \(issue 19\): (met|NOT met)/);
    const [file] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, file as string), 'utf8')) as {
      rows: { scenario: string; metric: string; project: number | null; baseline: number | null }[];
    };
    const rows = report.rows.filter((r) => r.scenario === 'search');
    expect(rows.map((r) => r.metric)).toEqual([
      'p50 ms',
      'p99 ms',
      'max ms',
      'commonest word p50 ms',
      'ingest msgs/s',
      'ingest msgs/s no index',
      'ingest cost %',
      'insert µs',
      'insert µs no index',
    ]);
    for (const row of rows) {
      expect(Number.isFinite(row.project), row.metric).toBe(true);
      expect(row.baseline, row.metric).toBeNull();
    }
    // The cost is a difference (it may come out negative in the noise); every other figure is a positive amount.
    for (const row of rows.filter((r) => r.metric !== 'ingest cost %'))
      expect(row.project, row.metric).toBeGreaterThan(0);
  }, 250_000);
});
