// scripts/tail-chat.ts, the typed client example, against a real server: history after --since, live messages,
// --say, --count, and the errors a person sees (server down, bad input).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { connectClient, startTestServer } from '../helpers/server';

let app: App;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(async () => {
  await app.stop();
});

/** Runs the script; resolves with its exit code and output. `onLine` sees each stdout line as it comes. */
function tail(args: string[], onLine: (line: string) => void = () => {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tail-chat.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    const before = stdout.split('\n').length - 1;
    stdout += String(d);
    for (const line of stdout.split('\n').slice(before, -1)) onLine(line);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, lines: stdout.split('\n').filter(Boolean), stderr });
    }),
  );
}

describe('npm run tail', () => {
  it('prints the messages after --since, then live ones, posts --say, and ends after --count', async () => {
    const carol = connectClient(app.wsUrl, { userId: 'carol' });
    try {
      const first = await carol.trpc.chat.send.mutate({ text: 'first' });
      await carol.trpc.chat.send.mutate({ text: 'second' });
      let sentLive = false;
      const run = await tail(
        [
          '--url',
          app.wsUrl,
          '--user',
          'bob',
          '--since',
          String(first.id),
          '--say',
          'hi from tail',
          '--count',
          '3',
        ],
        (line) => {
          // Once its own message is back, a message from someone else arrives live.
          if (line.endsWith('bob: hi from tail') && !sentLive) {
            sentLive = true;
            void carol.trpc.chat.send.mutate({ text: 'live from carol' });
          }
        },
      );
      expect(run.code).toBe(0);
      expect(run.lines.map((l) => l.replace(/^#\d+ \d\d:\d\d:\d\d /, ''))).toEqual([
        'carol: second',
        'bob: hi from tail',
        'carol: live from carol',
      ]);
    } finally {
      await carol.close();
    }
  });

  it('says what is wrong: a server that is not there, an empty message', async () => {
    const down = await tail(['--url', 'ws://127.0.0.1:9', '--count', '1']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('tail-chat: cannot reach ws://127.0.0.1:9');
    const empty = await tail(['--url', app.wsUrl, '--say', '   ', '--since', '0', '--count', '1000']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('BAD_REQUEST: text: Message text is empty');
  });

  it('regression: prints ESC, BEL, C1 and bidi controls from other users escaped, one line per message', async () => {
    const mallory = connectClient(app.wsUrl, { userId: 'mallory' });
    try {
      const hostile = 'title\u001b]0;pwned\u0007 red\u001b[31m csi\u009b2J new\nline rtl\u202eevil';
      const sent = await mallory.trpc.chat.send.mutate({ text: hostile });
      const run = await tail(['--url', app.wsUrl, '--since', String(sent.id - 1), '--count', '1']);
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(1);
      const line = run.lines[0] as string;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(line).toContain(
        'mallory: title\\x1b]0;pwned\\x07 red\\x1b[31m csi\\x9b2J new\\nline rtl\\u202eevil',
      );
    } finally {
      await mallory.close();
    }
  });
});
