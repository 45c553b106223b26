// Regression: history brought over by npm run import:original must not be forwarded to Telegram when the bridge
// starts again (its ids are past the forward cursor, but it is old news there).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { connectClient, startTestServer, type TestClient, tempDir, waitFor } from '../helpers/server';
import { Emulator, telegramEnv } from '../server/transports/telegram/emulator';
import { makeOriginalInstall, runImport } from './import-original.fixture';

let emulator: Emulator | null = null;
let app: App | null = null;
let client: TestClient | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await client?.close();
  await app?.stop();
  await emulator?.stop();
  [client, app, emulator] = [null, null, null];
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function say(text: string): Promise<void> {
  if (!app) throw new Error('no app');
  client = connectClient(app.wsUrl, { userId: 'stanley' });
  await client.trpc.chat.send.mutate({ text });
  await client.close();
  client = null;
}

describe('an import next to the Telegram bridge', () => {
  it('does not forward the imported history to Telegram after a restart', async () => {
    const here = tempDir('ocs-import-tg-');
    const from = makeOriginalInstall();
    dirs.push(here, from);
    const database = join(here, 'chat.db');
    emulator = await Emulator.start();
    app = await startTestServer({ ...telegramEnv(emulator.apiRoot), DATABASE_URL: database });
    await say('before the import');
    await waitFor(() => emulator?.sent.length === 1, 10_000, 'the first message in Telegram');
    await app.stop();
    app = null;

    const run = await runImport(['--from', from, '--env', 'no'], { DATABASE_URL: database }, here);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('6 imported');

    app = await startTestServer({ ...telegramEnv(emulator.apiRoot), DATABASE_URL: database });
    await say('after the import');
    const sent = () => emulator?.sent.map((m) => m.text) ?? [];
    await waitFor(
      () => sent().includes('<b>stanley</b>: after the import'),
      10_000,
      'the new message in Telegram',
    );
    // The outbox goes in id order: the imported rows (ids before the new message) were passed over, not sent.
    expect(sent().filter((text) => !text.includes('the import'))).toEqual([]);
  });
});
