// The idle scenario of the bench (issue 17's 100k connections) in small: client processes connect and subscribe,
// the server holds every socket, and a count this machine's file limits cannot hold is refused up front.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/server';

const bench = (args: string[], out: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });

describe('bench idle scenario', () => {
  it('holds every subscribed connection of its client processes and reports memory and connect time', () => {
    const out = tempDir('ocs-bench-idle-');
    const run = bench(['--only', 'idle', '--connections', '300'], out);
    expect(run.status, run.stderr).toBe(0);
    const [file] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, file as string), 'utf8')) as {
      rows: { scenario: string; metric: string; project: number | null }[];
    };
    const figure = (metric: string) =>
      report.rows.find((r) => r.scenario === 'idle 300' && r.metric === metric)?.project;
    expect(figure('server sockets')).toBe(300);
    for (const metric of ['KB/conn', 'KB/conn settled', 'connect s'])
      expect(figure(metric)).toBeGreaterThan(0);
    expect(run.stdout).toContain('sequence check: lost 0, duplicated 0, reordered 0');
  });

  it('refuses a count above the hard file limit before starting anything, naming the limit', () => {
    const run = bench(['--connections', '2000000000'], tempDir('ocs-bench-idle-'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/2000000000 idle connections need about .* hard limit is \d+ \(RLIMIT_NOFILE/);
  });
});
