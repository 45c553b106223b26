// A permission ask answered from Telegram with the task message's inline keyboard: the real opencode (scripted
// model) asks to run a shell command, a Telegram user presses Allow (a callback query through the emulator), the
// command runs (in the task's git worktree: its file is committed on the task's branch) and the same task message
// ends done, without its keyboard.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import { startTestServer, waitFor } from '../../../helpers/server';
import { type AttachedOpencode, attachedOpencode } from '../../agents/opencode/harness';
import { CHAT_ID, Emulator, TOKEN, telegramEnv } from './emulator';

let oc: AttachedOpencode;
let emulator: Emulator;
let app: App;

beforeAll(async () => {
  oc = await attachedOpencode('telegram-asks');
  emulator = await Emulator.start();
  app = await startTestServer({
    ...telegramEnv(emulator.apiRoot),
    TELEGRAM_TASK_EDIT_MS: '200',
    // Attaching needs the server's password: a setting, as in production.
    ...oc.settings,
  });
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  await oc?.stop();
});

type Button = { text: string; callback_data: string };

/** The agent's permission ask as forwarded to the chat, with the buttons it carries now. */
function askMessage(description = 'build it now') {
  const stored = emulator.server.storage.botMessages.find((m) => {
    const text = String((m.message as { text?: unknown }).text);
    return text.includes('I need permission') && text.includes(description);
  });
  const message = stored?.message as { reply_markup?: { inline_keyboard?: Button[][] } } | undefined;
  return stored ? { buttons: message?.reply_markup?.inline_keyboard?.flat() ?? [] } : null;
}

/**
 * The task message (its head: "🤖 <b>ada</b> · task #N: …"). The agent's forwarded ask names the task too
 * ("… (task #N) I need permission …") and may reach Telegram first on a loaded machine: it must not be taken for it.
 */
function taskMessage(description = 'build it now') {
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

/** A Telegram user presses a button of the bot message with this Telegram id. */
async function press(userName: string, telegramId: number | undefined, button: Button) {
  const client = emulator.server.getClient(TOKEN, { userName, chatId: CHAT_ID });
  await client.sendCallback(
    client.makeCallbackQuery(button.callback_data, {
      message: { message_id: telegramId, chat: { id: CHAT_ID } },
    } as never),
  );
}

describe('Telegram task message asks', () => {
  it('Allow pressed in Telegram by the assigner answers the permission ask, and the task finishes', async () => {
    await emulator.userSays('@ada please build it now script:bash', { userName: 'tg_carol' });
    await waitFor(() => (taskMessage()?.buttons.length ?? 0) > 0, 60_000, 'the keyboard on the task message');
    const asked = taskMessage();
    expect(asked?.text).toContain('echo ran &gt; ran.txt');
    expect(asked?.buttons.map((b) => b.text)).toEqual(['✅ Allow', '♾ Always', '⛔ Deny']);

    // The agent's own ask in the chat carries the same buttons.
    await waitFor(() => (askMessage()?.buttons.length ?? 0) > 0, 30_000, 'the keyboard on the ask message');
    expect(askMessage()?.buttons.map((b) => b.callback_data)).toEqual(
      asked?.buttons.map((b) => b.callback_data),
    );

    const allow = asked?.buttons.find((b) => b.text.includes('Allow')) as Button;
    const client = emulator.server.getClient(TOKEN, { userName: 'tg_carol', chatId: CHAT_ID });
    await client.sendCallback(
      client.makeCallbackQuery(allow.callback_data, {
        message: { message_id: asked?.telegramId, chat: { id: CHAT_ID } },
      } as never),
    );

    await waitFor(() => taskMessage()?.text.includes('✅ done') ?? false, 60_000, 'the final state');
    const done = taskMessage();
    expect(done?.telegramId).toBe(asked?.telegramId);
    // The ask's buttons are gone; what remains are the branch's (the project is a git repository).
    expect(done?.buttons.map((b) => b.text)).toEqual(['🔀 Merge', '🗑 Discard']);
    await waitFor(() => askMessage()?.buttons.length === 0, 30_000, 'the ask message without its buttons');
    // The work is committed on the task's branch when it ends: the message shows the branch then.
    await waitFor(() => taskMessage()?.text.includes('🌿') ?? false, 30_000, 'the task branch');
    const [task] = await app.services.agents.listTasks({});
    const onBranch = execFileSync('git', ['show', `${task?.branch}:ran.txt`], {
      cwd: oc.world.project,
      encoding: 'utf8',
    });
    expect(onBranch).toBe('ran\n');
    const timeline = await app.services.agents.timeline.list();
    expect(timeline.map((u) => u.event)).toContainEqual(
      expect.objectContaining({ kind: 'answered', by: 'tg_carol', answer: 'allow' }),
    );
  }, 150_000);

  it('a button still answers after the bridge was switched off and on (the task was forgotten in between)', async () => {
    await emulator.userSays('@ada please build the docs script:bash', { userName: 'tg_carol' });
    await waitFor(
      () => (taskMessage('build the docs')?.buttons.length ?? 0) > 0,
      60_000,
      'the keyboard on the task message',
    );
    const asked = taskMessage('build the docs');
    await app.services.transports.switch('websocket');
    await app.services.transports.switch('telegram');

    await press(
      'tg_carol',
      asked?.telegramId,
      asked?.buttons.find((b) => b.text.includes('Allow')) as Button,
    );
    await waitFor(
      () => taskMessage('build the docs')?.text.includes('✅ done') ?? false,
      60_000,
      'the task done in Telegram',
    );
    expect((await app.services.agents.listTasks({})).map((t) => t.status)).toEqual(['done', 'done']);
  }, 150_000);
});
