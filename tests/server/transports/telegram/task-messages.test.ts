// The Telegram task message: one bot message per agent task, edited in place (throttled) up to its final state,
// and the same message edited again after a restart. Real app, real grammY, the telegram-test-api emulator.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import { startTestServer, tempDir, waitFor } from '../../../helpers/server';
import { fixtureCommand } from '../../../server/agents/helpers';
import { ApiProxy, Emulator, telegramEnv } from './emulator';

let emulator: Emulator | null = null;
let proxy: ApiProxy | null = null;
let apps: App[] = [];

afterEach(async () => {
  for (const app of apps) await app.stop();
  await proxy?.stop();
  await emulator?.stop();
  [apps, emulator, proxy] = [[], null, null];
});

const EDIT_MS = 400;

async function start(env: Record<string, string>): Promise<App> {
  emulator ??= await Emulator.start();
  const target = emulator.apiRoot;
  proxy ??= await ApiProxy.start(() => target, {});
  const app = await startTestServer({
    ...telegramEnv(proxy.apiRoot),
    TELEGRAM_TASK_EDIT_MS: String(EDIT_MS),
    // Not a git repository (the server's own directory may be one, with uncommitted work that tasks must not touch).
    PROJECT_ROOT: tempDir(),
    ...env,
  });
  apps.push(app);
  return app;
}

/** The bot's messages about task `id`, as the emulator holds them now (edits applied). */
function taskMessage(id: number) {
  return (emulator?.server.storage.botMessages ?? [])
    .map((m) => ({ telegramId: m.messageId, text: String((m.message as { text?: unknown }).text) }))
    .filter((m) => m.text.includes(`task #${id}:`));
}

describe('Telegram task message', () => {
  it('is one message per task, edited in place at most once per interval, ending with the final state', async () => {
    const app = await start({ AGENT_WORKER_COMMAND: fixtureCommand('card-worker.mjs', '{prompt}') });
    await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
    const { task } = await app.services.agents.assign(
      { employee: 'ada', description: 'review the parser until stopped' },
      { id: 'carol', role: 'user' },
    );
    // Sent when the task is queued; its steps come later, so seeing the last one means it was edited.
    await waitFor(
      () => taskMessage(task.id)[0]?.text.includes('waiting for review') ?? false,
      15_000,
      'the running step in Telegram',
    );
    await app.services.agents.stopTask('ada', { id: 'carol', role: 'user' });
    await waitFor(
      () => taskMessage(task.id)[0]?.text.includes('⏹ stopped') ?? false,
      15_000,
      'the final state in Telegram',
    );
    const [message, ...others] = taskMessage(task.id);
    expect(others).toEqual([]);
    expect(message?.text).toContain('🤖 <b>ada</b> · task #');
    expect(message?.text).toContain('review the parser until stopped');

    // Edits of one task are spaced by the interval (one task here: every edit is this task's).
    // At least the edit to the final state; on a loaded machine the first send may already carry the running step.
    const edits = (proxy?.calls ?? []).filter((c) => c.method === 'editMessageText');
    expect(edits.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < edits.length; i++)
      expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(EDIT_MS - 20);
    const stored = await app.services.agents.timeline.list(task.id);
    expect(edits.length).toBeLessThan(stored.length);
  });

  it('after a restart edits the same message (here: to interrupted) instead of sending another', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    const env = { DATABASE_URL: dbPath, AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs') };
    const first = await start(env);
    await first.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
    const { task } = await first.services.agents.assign(
      { employee: 'ada', description: 'watch the logs' },
      { id: 'carol', role: 'user' },
    );
    await waitFor(
      () => taskMessage(task.id)[0]?.text.includes('running') ?? false,
      15_000,
      'the running task in Telegram',
    );
    const before = taskMessage(task.id)[0]?.telegramId;
    await first.stop();
    apps = apps.filter((a) => a !== first);

    await start(env);
    await waitFor(
      () => taskMessage(task.id)[0]?.text.includes('interrupted') ?? false,
      15_000,
      'the interrupted state in the same message',
    );
    expect(taskMessage(task.id).map((m) => m.telegramId)).toEqual([before]);
  });
});
