import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/server';

// A smoke run of the benchmark harness so it keeps working; the figures themselves are not asserted (they come
// from `npm run bench` on a quiet machine, never from a timed test).
describe('benchmark harness', () => {
  it('runs every scenario against both servers and reports no loss, duplication or reordering', () => {
    const out = tempDir('ocs-bench-smoke-');
    // The task card row starts the real opencode (about 5 s to its first task on a quiet machine, more under load).
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('sequence check: lost 0, duplicated 0, reordered 0');
    const [file] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, file as string), 'utf8')) as {
      rows: { scenario: string; metric: string; project: number | null; baseline: number | null }[];
    };
    const scenarios = new Set(report.rows.map((r) => r.scenario));
    expect([...scenarios]).toEqual(['flood', 'paced', 'ingest', 'connections 50', 'agents', 'task card']);
    // The agents and task card rows have no baseline: the relay has no agents.
    const projectOnly = new Set(['agents', 'task card']);
    for (const row of report.rows) {
      // Memory deltas (per connection, per streaming task) at smoke sizes are within GC noise and may be negative;
      // they only need to be figures.
      const check =
        row.metric.startsWith('KB/') || row.metric.endsWith(' KB/task')
          ? Number.isFinite
          : (n: number | null) => (n ?? 0) > 0;
      expect(check(row.project), `${row.scenario} ${row.metric} project`).toBe(true);
      if (projectOnly.has(row.scenario)) expect(row.baseline, `${row.scenario} ${row.metric}`).toBeNull();
      else expect(check(row.baseline), `${row.scenario} ${row.metric} baseline`).toBe(true);
    }
    // The task card row ran the real opencode (with the scripted model): its memory was read from the process.
    expect(report.rows.map((r) => `${r.scenario}: ${r.metric}`)).toContain('task card: opencode idle MB');
  }, 330_000);

  it('spreads subscribers over client threads and still checks every delivery', () => {
    const out = tempDir('ocs-bench-threads-');
    const args = ['--smoke', '--only', 'flood', '--client-threads', '2', '--out', out];
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('subscribers in 2 client thread(s)');
    expect(run.stdout).toContain('sequence check: lost 0, duplicated 0, reordered 0');
  }, 90_000);
});
