// Formatting across the bridge: web Markdown reaches Telegram as its HTML, Telegram entities reach the web as
// Markdown (the real app, grammY, the telegram-test-api emulator).
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import {
  collectMessages,
  connectClient,
  startTestServer,
  type TestClient,
  waitFor,
} from '../../../helpers/server';
import { Emulator, telegramEnv } from './emulator';
import { parseTelegramHtml } from './telegram-html';

let emulator: Emulator | null = null;
let apps: App[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients) await client.close();
  for (const app of apps) await app.stop();
  await emulator?.stop();
  [clients, apps, emulator] = [[], [], null];
});

async function start() {
  emulator = await Emulator.start();
  const app = await startTestServer(telegramEnv(emulator.apiRoot));
  apps.push(app);
  const client = connectClient(app.wsUrl, { userId: 'alice' });
  clients.push(client);
  const web = collectMessages(client);
  await web.started();
  return { app, client, web, emulator };
}

describe('Telegram formatting', () => {
  it('sends a Markdown message from the web as Telegram HTML that Telegram accepts', async () => {
    const { client, emulator } = await start();
    const text =
      '**Deploy** is _done_: run `npm test` <now>\n\n```ts\nconst ok = a < b && c;\n```\n\n- [log](https://ci.example/1)\n- ~~old~~';

    await client.trpc.chat.send.mutate({ text });
    await waitFor(() => emulator.sent.length === 1, 10_000, 'the message in Telegram');

    const sent = emulator.sent[0];
    expect(sent?.parseMode).toBe('HTML');
    expect(sent?.text).toBe(
      '<b>alice</b>: <b>Deploy</b> is <i>done</i>: run <code>npm test</code> &lt;now&gt;\n\n' +
        '<pre><code class="language-ts">const ok = a &lt; b &amp;&amp; c;</code></pre>\n\n' +
        '• <a href="https://ci.example/1">log</a>\n• <s>old</s>',
    );
    expect(() => parseTelegramHtml(sent?.text ?? '')).not.toThrow();
  });

  it('brings a Telegram message with entities to the web as Markdown, mentions still recognised', async () => {
    const { web, emulator } = await start();
    const text = 'ping @bob: see docs and run make test\nquoted line';
    await emulator.userSays(text, {
      entities: [
        { type: 'mention', offset: 5, length: 4 },
        { type: 'bold', offset: 11, length: 3 },
        { type: 'text_link', offset: 15, length: 4, url: 'https://docs.example/x' },
        { type: 'code', offset: 28, length: 9 },
        { type: 'blockquote', offset: 38, length: 11 },
      ],
    });

    await waitFor(() => web.received.some((m) => m.origin === 'telegram'), 10_000, 'the message on the web');
    const arrived = web.received.find((m) => m.origin === 'telegram');
    expect(arrived?.text).toBe(
      'ping @bob: **see** [docs](https://docs.example/x) and run `make test`\n> quoted line',
    );
    expect(arrived?.mentions).toEqual(['bob']);
  });
});
