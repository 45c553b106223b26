import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger';
import { tempDir, waitFor } from '../helpers/server';

const numbered = (dir: string) =>
  readdirSync(dir)
    .map((f) => /^server\.(\d+)\.log$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

describe('log file rotation', () => {
  it('rotates LOG_FILE by size, keeps the configured number of old files and links current.log', async () => {
    const dir = tempDir('ocs-logs-');
    const logger = createLogger('info', join(dir, 'server.log'), { size: '1k', files: 2 });
    // Quiet stdout for the test: only the file stream matters here.
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      // pino-roll checks the size after each write it receives: send 1.2 kB at a time and let each land.
      for (let batch = 0; batch < 5; batch++) {
        const before = numbered(dir).at(-1) ?? 0;
        for (let i = 0; i < 12; i++) logger.info({ batch, i, pad: 'x'.repeat(60) }, 'line');
        await waitFor(() => (numbered(dir).at(-1) ?? 0) > before, 10_000, `rotation after batch ${batch}`);
      }
      logger.info({ i: 'last' }, 'the last line');
    } finally {
      process.stdout.write = write;
    }
    // Old files are pruned after the rotation, and the last line is written by the worker thread.
    await waitFor(
      () => {
        const files = numbered(dir);
        const current = join(dir, `server.${files.at(-1)}.log`);
        return files.length === 3 && readFileSync(current, 'utf8').includes('the last line');
      },
      10_000,
      'pruned log files',
    );
    const files = numbered(dir);
    expect(readlinkSync(join(dir, 'current.log'))).toBe(`server.${files.at(-1)}.log`);
    const lines = readFileSync(join(dir, `server.${files.at(-1)}.log`), 'utf8')
      .trim()
      .split('\n');
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('msg');
  });

  it('redacts message text and tokens in the file', async () => {
    const dir = tempDir('ocs-logs-');
    const logger = createLogger('info', join(dir, 'server.log'), { size: '10m', files: 1 });
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      logger.info({ text: 'private words', token: 'abc.def' }, 'posted');
    } finally {
      process.stdout.write = write;
    }
    await waitFor(() => numbered(dir).length === 1 && readFileSync(join(dir, 'server.1.log'), 'utf8') !== '');
    const entry = JSON.parse(readFileSync(join(dir, 'server.1.log'), 'utf8'));
    expect(entry).toMatchObject({ msg: 'posted', text: '[redacted]', token: '[redacted]' });
  });
});
