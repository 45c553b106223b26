// Edits, deletions and reactions across the bridge, both ways, in order with sends (the real app, grammY, the
// telegram-test-api emulator behind a recording proxy).
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import { startTestServer, waitFor } from '../../../helpers/server';
import { ApiProxy, Emulator, type ProxyRule, telegramEnv } from './emulator';

let emulator: Emulator | null = null;
let proxy: ApiProxy | null = null;
let apps: App[] = [];

afterEach(async () => {
  for (const app of apps) await app.stop();
  await proxy?.stop();
  await emulator?.stop();
  [apps, emulator, proxy] = [[], null, null];
});

async function start(rule: ProxyRule = {}) {
  const emu = await Emulator.start();
  emulator = emu;
  const api = await ApiProxy.start(() => emu.apiRoot, rule);
  proxy = api;
  const app = await startTestServer(telegramEnv(api.apiRoot));
  apps.push(app);
  const { hub, repo } = app.services;
  const stored = async (id: number) => (await repo.getMessages([id]))[0];
  return { app, hub, stored, emulator: emu, proxy: api };
}

const calls = (proxy: ApiProxy, ...methods: string[]) =>
  proxy.calls.filter((c) => methods.includes(c.method) && c.status === 200);

describe('Telegram bridge: changes', () => {
  it('edits and deletes the Telegram copy of a web message, in order with the messages sent around them', async () => {
    const { hub, emulator, proxy } = await start();
    const first = await hub.post(
      { text: 'deploy at **5**', sender: 'alice', senderKind: 'user' },
      'websocket',
    );
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the first message in Telegram');
    const telegramId = emulator.sent[0]?.telegramId ?? 0;

    await hub.edit({ id: first.id, text: 'deploy at **6**, `main` only' }, 'alice');
    const second = await hub.post({ text: 'second', sender: 'alice', senderKind: 'user' }, 'websocket');
    await hub.delete({ id: second.id }, 'alice', 'user');
    const third = await hub.post({ text: 'third', sender: 'alice', senderKind: 'user' }, 'websocket');
    // The proxy records a call once Telegram has answered it.
    const sentThird = () =>
      calls(proxy, 'sendMessage').some((c) => String((c.body as { text: string }).text).endsWith('third'));
    await waitFor(sentThird, 10_000, 'the third message');

    expect(emulator.botText(telegramId)).toBe('<b>alice</b>: deploy at <b>6</b>, <code>main</code> only');
    // The deleted message never reached Telegram (deleted before its turn) or is gone from it.
    expect(
      emulator.sent
        .filter((m) => m.text.endsWith('second'))
        .every((m) => emulator.botText(m.telegramId) === null),
    ).toBe(true);
    // One queue: the edit goes out before the next message; the second message is either never sent (deleted
    // before its turn) or sent and then deleted, before the third.
    const order = calls(proxy, 'sendMessage', 'editMessageText', 'deleteMessage').map((c) => c.method);
    expect([
      ['sendMessage', 'editMessageText', 'sendMessage'],
      ['sendMessage', 'editMessageText', 'sendMessage', 'deleteMessage', 'sendMessage'],
    ]).toContainEqual(order);
    expect(emulator.sent.at(-1)?.text).toBe(`<b>alice</b>: third`);
    expect(third.id).toBeGreaterThan(second.id);

    // A message Telegram has: the deletion deletes its copy there.
    await hub.delete({ id: first.id }, 'alice', 'user');
    const deleted = () =>
      calls(proxy, 'deleteMessage').map((c) => (c.body as { message_id: number }).message_id);
    await waitFor(() => deleted().includes(telegramId), 10_000, 'the Telegram copy deleted');
    expect(emulator.botText(telegramId)).toBeNull();
  });

  it("deletes a Telegram user's message in Telegram when an admin deletes it, and blanks one Telegram will not delete", async () => {
    const { app, hub, emulator, proxy } = await start({
      badRequest: { deleteMessage: "Bad Request: message can't be deleted" },
    });
    const mine = await hub.post({ text: 'secret plan', sender: 'alice', senderKind: 'user' }, 'websocket');
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the message in Telegram');
    const telegramId = emulator.sent[0]?.telegramId ?? 0;

    await hub.delete({ id: mine.id }, 'alice', 'user');

    await waitFor(() => calls(proxy, 'editMessageText').length === 1, 10_000, 'the copy blanked');
    expect(emulator.botText(telegramId)).toBe('<i>message deleted</i>');

    // An admin deletes a Telegram user's message: the bridge asks Telegram to delete it too.
    proxy.rule.badRequest = {};
    const theirs = await emulator.userSays('spam spam', { userName: 'tg_spammer' });
    await waitFor(
      async () => (await app.services.repo.history(null, 5)).some((m) => m.text === 'spam spam'),
      10_000,
      'the spam',
    );
    const spam = (await app.services.repo.history(null, 5)).find((m) => m.text === 'spam spam');
    await hub.delete({ id: spam?.id }, 'root', 'admin');
    await waitFor(
      () =>
        calls(proxy, 'deleteMessage').some((c) => (c.body as { message_id: number }).message_id === theirs),
      10_000,
      'the Telegram message deleted',
    );
  });

  it('sends a thread reply as a Telegram reply to the thread root (Telegram groups have no threads)', async () => {
    const { hub, emulator } = await start();
    const root = await hub.post({ text: 'release plan', sender: 'alice', senderKind: 'user' }, 'websocket');
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the root in Telegram');

    await hub.post(
      { text: 'in the thread', sender: 'bob', senderKind: 'user', threadRoot: root.id },
      'websocket',
    );

    await waitFor(() => emulator.sent.length === 2, 10_000, 'the thread reply in Telegram');
    expect(emulator.sent[1]).toMatchObject({
      text: '<b>bob</b>: in the thread',
      replyTo: emulator.sent[0]?.telegramId,
    });
  });

  it('edits every part of a long message and deletes the parts an edit no longer needs', async () => {
    const { hub, emulator } = await start();
    const long = `${'a'.repeat(2045)}\n\n${'b'.repeat(2045)}`;
    const message = await hub.post({ text: long, sender: 'alice', senderKind: 'user' }, 'websocket');
    await waitFor(() => emulator.sent.length === 2, 10_000, 'both parts in Telegram');
    const [one, two] = emulator.sent.map((m) => m.telegramId);

    await hub.edit({ id: message.id, text: 'short now' }, 'alice');

    await waitFor(() => emulator.botText(two ?? 0) === null, 10_000, 'the second part deleted');
    expect(emulator.botText(one ?? 0)).toBe('<b>alice</b>: short now');
  });

  it('applies a Telegram edit to the chat copy as its Telegram sender, in Markdown', async () => {
    const { app, stored, emulator } = await start();
    const telegramId = await emulator.userSays('first try', { userName: 'tg_alice' });
    await waitFor(
      async () => (await app.services.repo.history(null, 5)).some((m) => m.text === 'first try'),
      10_000,
      'the message',
    );
    const original = (await app.services.repo.history(null, 5)).find((m) => m.text === 'first try');

    emulator.userEdits(telegramId, 'second try @bob', {
      userName: 'tg_alice',
      entities: [{ type: 'bold', offset: 0, length: 6 }],
    });

    await waitFor(async () => (await stored(original?.id ?? 0))?.editedAt !== undefined, 10_000, 'the edit');
    expect(await stored(original?.id ?? 0)).toMatchObject({
      text: '**second** try @bob',
      mentions: ['bob'],
      sender: 'tg_alice',
    });
    // Someone else's message cannot be edited from Telegram either; the bridge goes on.
    emulator.userEdits(telegramId, 'hijacked', { userName: 'tg_mallory' });
    const later = await emulator.userSays('still bridged');
    await waitFor(
      async () => (await app.services.repo.history(null, 5)).some((m) => m.text === 'still bridged'),
      10_000,
      'later message',
    );
    expect((await stored(original?.id ?? 0))?.text).toBe('**second** try @bob');
    expect(later).toBeGreaterThan(telegramId);
  });

  it('brings Telegram reactions to the chat message, taken back when taken back in Telegram', async () => {
    const { hub, stored, emulator } = await start();
    const message = await hub.post({ text: 'ship it?', sender: 'alice', senderKind: 'user' }, 'websocket');
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the message in Telegram');
    const telegramId = emulator.sent[0]?.telegramId ?? 0;

    emulator.userReacts(telegramId, [], ['👍'], { userName: 'tg_bob' });
    await waitFor(async () => (await stored(message.id))?.reactions !== undefined, 10_000, 'the reaction');
    expect((await stored(message.id))?.reactions).toEqual([{ emoji: '👍', users: ['tg_bob'] }]);

    emulator.userReacts(telegramId, ['👍'], ['🎉'], { userName: 'tg_bob' });
    await waitFor(
      async () => (await stored(message.id))?.reactions?.[0]?.emoji === '🎉',
      10_000,
      'the changed reaction',
    );
    expect((await stored(message.id))?.reactions).toEqual([{ emoji: '🎉', users: ['tg_bob'] }]);
    // Telegram's ❤ is the chat's ❤️.
    emulator.userReacts(telegramId, ['🎉'], ['🎉', '❤'], { userName: 'tg_bob' });
    await waitFor(
      async () => (await stored(message.id))?.reactions?.length === 2,
      10_000,
      'the second emoji',
    );
    expect((await stored(message.id))?.reactions?.[1]).toEqual({ emoji: '❤️', users: ['tg_bob'] });
  });

  it("shows the web's most used reaction as the bot's one reaction in Telegram, never one made in Telegram", async () => {
    const { hub, stored, emulator, proxy } = await start();
    const message = await hub.post(
      { text: 'release notes', sender: 'alice', senderKind: 'user' },
      'websocket',
    );
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the message in Telegram');
    const telegramId = emulator.sent[0]?.telegramId ?? 0;
    const reactionCalls = () =>
      calls(proxy, 'setMessageReaction').map((c) => c.body as { message_id: number; reaction: unknown[] });

    await hub.react({ id: message.id, emoji: '❤️', on: true }, 'carol');
    await waitFor(() => reactionCalls().length === 1, 10_000, 'the bot reaction');
    expect(reactionCalls()[0]).toMatchObject({
      message_id: telegramId,
      reaction: [{ type: 'emoji', emoji: '❤' }],
    });

    // A Telegram person's reaction is theirs in Telegram already: it does not move the bot's.
    emulator.userReacts(telegramId, [], ['👍'], { userName: 'tg_bob' });
    await waitFor(
      async () => (await stored(message.id))?.reactions?.length === 2,
      10_000,
      'the Telegram reaction',
    );
    // 😂 is no Telegram reaction: the bot keeps the most used one Telegram has.
    await hub.react({ id: message.id, emoji: '😂', on: true }, 'dave');
    await waitFor(() => reactionCalls().length === 2, 10_000, 'the bot reaction after dave');

    // The web's reactions Telegram can show taken back: the bot's goes too (tg_bob's 👍 stays his own).
    await hub.react({ id: message.id, emoji: '❤️', on: false }, 'carol');
    await waitFor(() => reactionCalls().length === 3, 10_000, 'the bot reaction cleared');
    expect(reactionCalls().map((c) => c.reaction)).toEqual([
      [{ type: 'emoji', emoji: '❤' }],
      [{ type: 'emoji', emoji: '❤' }],
      [],
    ]);
  });
});
