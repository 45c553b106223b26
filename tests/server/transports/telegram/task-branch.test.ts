// Agents side by side, from Telegram: the task message shows the task's git branch with its diffstat, Merge and
// Discard buttons act as the Telegram user who pressed them (a stranger is refused politely, the assigner merges:
// git shows it), and "discard" replied to the task message drops the branch. A real git repository in a temporary
// directory as PROJECT_ROOT, a real command worker that edits files, the telegram-test-api emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import { startTestServer, waitFor } from '../../../helpers/server';
import { fixtureCommand } from '../../agents/helpers';
import { makeRepo, type Repo } from '../../agents/workspace/repo';
import { ApiProxy, CHAT_ID, Emulator, TOKEN, telegramEnv } from './emulator';

let repo: Repo;
let emulator: Emulator;
let proxy: ApiProxy;
let app: App;

beforeAll(async () => {
  repo = makeRepo({
    'src/greet.ts': "export const greet = (name: string) => {\n  return 'Hello, ' + name;\n};\nexport {};\n",
  });
  emulator = await Emulator.start();
  proxy = await ApiProxy.start(() => emulator.apiRoot, {});
  app = await startTestServer({
    ...telegramEnv(proxy.apiRoot),
    TELEGRAM_TASK_EDIT_MS: '200',
    PROJECT_ROOT: repo.project,
    DATA_DIR: repo.dataDir,
    AGENT_WORKER_COMMAND: fixtureCommand('edit-worker.mjs', '{task}'),
  });
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
  await emulator?.stop();
  repo?.remove();
});

type Button = { text: string; callback_data: string };

/** The task message about `description` as the emulator holds it now (edits applied). */
function taskMessage(description: string) {
  const stored = emulator.server.storage.botMessages.find((m) => {
    const text = String((m.message as { text?: unknown }).text);
    return /^🤖 <b>ada<\/b> · task #\d+: /.test(text) && text.includes(description);
  });
  if (!stored) return null;
  const message = stored.message as { text?: string; reply_markup?: { inline_keyboard?: Button[][] } };
  return {
    telegramId: stored.messageId,
    text: message.text ?? '',
    buttons: message.reply_markup?.inline_keyboard?.flat() ?? [],
  };
}

/** What the bot answered to the button presses, in order. */
const callbackAnswers = () =>
  proxy.calls
    .filter((c) => c.method === 'answerCallbackQuery')
    .map((c) => (c.body as { text?: string } | null)?.text ?? '');

async function press(userName: string, telegramId: number, button: Button): Promise<string> {
  const before = callbackAnswers().length;
  const client = emulator.server.getClient(TOKEN, { userName, chatId: CHAT_ID });
  await client.sendCallback(
    client.makeCallbackQuery(button.callback_data, {
      message: { message_id: telegramId, chat: { id: CHAT_ID } },
    } as never),
  );
  await waitFor(() => callbackAnswers().length > before, 30_000, 'the answer to the press');
  return callbackAnswers()[before] ?? '';
}

const branches = () => repo.git(['branch', '--list', 'agent/*', '--format=%(refname:short)']);

describe('Telegram task message: the task’s branch', () => {
  it('shows the branch and its diffstat; a stranger’s Merge is refused politely, the assigner’s merges', async () => {
    await emulator.userSays('@ada please change the greeting', { userName: 'tg_carol' });
    await waitFor(
      () => (taskMessage('change the greeting')?.buttons.length ?? 0) > 0,
      60_000,
      'Merge / Discard on the task message',
    );
    const open = taskMessage('change the greeting');
    if (!open) throw new Error('no task message');
    expect(open.text).toMatch(/🌿 <code>agent\/ada\/\d+-[^<]+<\/code> → <code>main<\/code>/);
    expect(open.text).toContain('🟢 open');
    expect(open.text).toContain('<code>src/greet.ts</code> +2 −1');
    expect(open.text).toContain('<code>src/farewell.ts</code> +1 −0');
    expect(open.buttons.map((b) => b.text)).toEqual(['🔀 Merge', '🗑 Discard']);
    const merge = open.buttons[0] as Button;
    const mainBefore = repo.git(['rev-parse', 'main']);

    const refused = await press('tg_mallory', open.telegramId, merge);
    expect(refused).toMatch(/only an admin or tg_carol/);
    expect(repo.git(['rev-parse', 'main'])).toBe(mainBefore);
    expect(taskMessage('change the greeting')?.text).toContain('🟢 open');

    const merged = await press('tg_carol', open.telegramId, merge);
    expect(merged).toMatch(/^Merged agent\/ada\/\d+-\S+ into main/);
    await waitFor(
      () => taskMessage('change the greeting')?.text.includes('merged by tg_carol') ?? false,
      30_000,
      'the task message edited to merged',
    );
    const done = taskMessage('change the greeting');
    expect(done?.telegramId).toBe(open.telegramId);
    expect(done?.buttons).toEqual([]);
    expect(repo.git(['rev-parse', 'main'])).not.toBe(mainBefore);
    expect(repo.git(['show', 'main:src/greet.ts'])).toContain("'Hi, ' + name + '!'");
    expect(repo.git(['log', '--format=%s', 'main'])).toMatch(/change the greeting/);
  }, 120_000);

  it('"discard" replied to the task message in Telegram discards the branch', async () => {
    await emulator.userSays('@ada please write the farewell', { userName: 'tg_carol' });
    await waitFor(
      () => (taskMessage('write the farewell')?.buttons.length ?? 0) > 0,
      60_000,
      'Merge / Discard on the task message',
    );
    const open = taskMessage('write the farewell');
    if (!open) throw new Error('no task message');
    const branch = /🌿 <code>([^<]+)<\/code>/.exec(open.text)?.[1] ?? '';
    expect(branches()).toContain(branch);
    const mainBefore = repo.git(['rev-parse', 'main']);

    await emulator.userSays('discard', { userName: 'tg_carol', replyTo: open.telegramId });
    await waitFor(
      () => taskMessage('write the farewell')?.text.includes('discarded by tg_carol') ?? false,
      30_000,
      'the task message edited to discarded',
    );
    expect(taskMessage('write the farewell')?.buttons).toEqual([]);
    expect(branches()).not.toContain(branch);
    expect(repo.git(['rev-parse', 'main'])).toBe(mainBefore);
  }, 120_000);
});
