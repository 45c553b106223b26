import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/server';

/** opencode servers started by bench runs (their config lives in the bench's temporary directory). */
function benchOpencodes(): Set<string> {
  const found = new Set<string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (
        cmd.includes('opencode') &&
        readFileSync(`/proc/${pid}/environ`, 'utf8').includes('ocs-bench-opencode-')
      )
        found.add(pid);
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found;
}

// A smoke run of the benchmark harness so it keeps working; the figures themselves are not asserted (they come
// from `npm run bench` on a quiet machine, never from a timed test).
describe('benchmark harness', () => {
  it('runs every scenario against the project, the raw relay and (flood, ingest) both peers, with no loss, duplication or reordering', () => {
    const before = benchOpencodes();
    const out = tempDir('ocs-bench-smoke-');
    // The task card row starts the real opencode (about 5 s to its first task on a quiet machine, more under load).
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('sequence check: lost 0, duplicated 0, reordered 0');
    // The agents row's opencode server ends with the run (it was once left running after every run).
    expect([...benchOpencodes()].filter((pid) => !before.has(pid))).toEqual([]);
    const [file] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, file as string), 'utf8')) as {
      rows: {
        scenario: string;
        metric: string;
        project: number | null;
        baseline: number | null;
        socketio: number | null;
        trpc: number | null;
        rounds: number;
      }[];
      roundRecords: { scenario: string; kind: string; steps?: string }[];
    };
    const scenarios = new Set(report.rows.map((r) => r.scenario));
    expect([...scenarios]).toEqual([
      'flood',
      'paced',
      'disk fsync',
      'ingest',
      'connections 50',
      'agents ack',
      'agents',
    ]);
    // The agents rows and the disk's own fsync have no baseline: the relay has no agents, the disk row no server.
    const projectOnly = new Set(['disk fsync', 'agents ack', 'agents']);
    // Every latency row reports p50, p99 and max, and how many rounds were measured.
    for (const scenario of ['flood', 'paced', 'disk fsync', 'ingest', 'agents ack', 'agents'])
      for (const metric of ['p50 ms', 'p99 ms', 'max ms'])
        expect(report.rows.find((r) => r.scenario === scenario && r.metric === metric)?.rounds).toBe(1);
    // The smoke run drives both peers (Socket.IO, tRPC's applyWSSHandler) in the flood and ingest.
    for (const row of report.rows.filter((r) => r.scenario === 'flood' || r.scenario === 'ingest')) {
      expect(row.socketio, `${row.scenario} ${row.metric} socket.io`).toBeGreaterThan(0);
      expect(row.trpc, `${row.scenario} ${row.metric} trpc`).toBeGreaterThan(0);
    }
    // Each server round carries its step timings from the preloaded probe, the project's with its SQLite commits.
    const timed = new Set(['flood', 'paced', 'ingest', 'agents ack', 'agents']);
    for (const record of report.roundRecords.filter((r) => timed.has(r.scenario)))
      expect(record.steps, `${record.scenario} ${record.kind}`).toMatch(/^server: event loop blocked up to/);
    expect(report.roundRecords.find((r) => r.scenario === 'ingest' && r.kind === 'project')?.steps).toMatch(
      /longest SQLite commit/,
    );
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
    // The agents row ran the real opencode (with the scripted model): its memory was read from the process.
    expect(report.rows.map((r) => `${r.scenario}: ${r.metric}`)).toContain('agents: opencode idle MB');
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
