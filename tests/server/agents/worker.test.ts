import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillTemplate, findExecutable, splitCommand } from '../../../src/server/agents/command-template';
import { Worker, WorkerNotInstalledError } from '../../../src/server/agents/worker';
import { waitFor } from '../../helpers/server';
import { FIXTURES } from './helpers';

describe('command template', () => {
  it('splits like a shell and fills each placeholder inside one argv entry', () => {
    const words = splitCommand(`opencode run --model {model} "{prompt}" 'x y' a\\ b`);
    expect(words).toEqual(['opencode', 'run', '--model', '{model}', '{prompt}', 'x y', 'a b']);
    expect(fillTemplate(words, { model: 'm 1', prompt: 'do $(rm -rf /); echo hi' })).toEqual([
      'opencode',
      'run',
      '--model',
      'm 1',
      'do $(rm -rf /); echo hi',
      'x y',
      'a b',
    ]);
  });

  it('rejects an unclosed quote and an empty template with a clear message', () => {
    expect(() => splitCommand('run "oops')).toThrow('AGENT_WORKER_COMMAND has an unclosed " quote');
    expect(() => splitCommand('   ')).toThrow('AGENT_WORKER_COMMAND is empty');
  });

  it('finds programs on PATH and by path, and not missing ones', () => {
    expect(findExecutable('node', '/')).toBeTruthy();
    expect(findExecutable(process.execPath, '/')).toBe(process.execPath);
    expect(findExecutable('opencode-definitely-missing', '/')).toBeNull();
  });
});

describe('worker process', () => {
  it('refuses a program that is not installed', () => {
    expect(() =>
      Worker.start(['opencode-definitely-missing', 'run'], { cwd: '/', onLine: () => {} }),
    ).toThrow(WorkerNotInstalledError);
  });

  it('splits output into lines per stream and reports the exit code', async () => {
    const lines: string[] = [];
    const worker = Worker.start([process.execPath, join(FIXTURES, 'fail-worker.mjs')], {
      cwd: FIXTURES,
      onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    });
    expect(await worker.exited).toMatchObject({ code: 3, stopped: false });
    expect(lines).toEqual([
      'stdout: running the test suite',
      'stderr: Error: 2 tests failed in login.test.ts',
    ]);
  });

  it('kills a worker that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const lines: string[] = [];
    const worker = Worker.start([process.execPath, join(FIXTURES, 'slow-worker.mjs'), 'stubborn'], {
      cwd: FIXTURES,
      killGraceMs: 300,
      onLine: (_stream, line) => lines.push(line),
    });
    await waitFor(() => lines.length > 0, 5000, 'the worker to start');
    const exit = await worker.stop();
    expect(exit).toMatchObject({ signal: 'SIGKILL', stopped: true });
    expect(lines).toContain('ignoring SIGTERM');
  });
});
