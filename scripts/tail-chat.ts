// A small typed client of the chat — and the example for developers building on AppRouter: prints the messages
// after --since (default: the newest 20), then the live ones as they are committed, one line each; --say posts a
// message once the stream runs; --count ends after that many lines.
//   npm run tail -- [--url ws://127.0.0.1:8765] [--user NAME | --token JWT] [--since ID] [--say TEXT] [--count N]
import { parseArgs } from 'node:util';
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { terminalSafe } from '../src/server/terminal-text';
import type { AppRouter } from '../src/server/trpc/root';
import type { Message } from '../src/shared/message';

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.OCS_WS_URL ?? 'ws://127.0.0.1:8765' },
      user: { type: 'string', default: 'tail' },
      token: { type: 'string', default: process.env.OCS_TOKEN },
      since: { type: 'string' },
      say: { type: 'string' },
      count: { type: 'string' },
    },
  });
  const count = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);
  if (!(count >= 1)) fail('--count must be a number >= 1');
  if (values.since !== undefined && !/^\d+$/.test(values.since))
    fail('--since must be a message id (digits)');
  return { ...values, count };
}

function fail(why: string): never {
  // A server's error may quote what someone typed.
  console.error(`tail-chat: ${terminalSafe(why)}`);
  process.exit(1);
}

/** One line per message, whatever it holds: other people's control characters are printed escaped. */
const formatLine = (m: Message) =>
  `#${m.id} ${m.createdAt.slice(11, 19)} ${terminalSafe(m.sender)}${m.senderKind === 'agent' ? ' (agent)' : ''}: ${terminalSafe(m.text)}`;

async function main(): Promise<void> {
  const opts = options();
  let opened = false;
  const wsClient = createWSClient({
    url: opts.url,
    // Node 20 has no global WebSocket: the class from `ws` speaks the same protocol.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: opts.token ? { token: opts.token } : { userId: opts.user },
    onOpen: () => {
      opened = true;
    },
    onClose: (cause) => {
      if (!opened) fail(`cannot reach ${opts.url} (${cause?.code ?? 'no answer'}); is the server running?`);
    },
  });
  const chat = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  let printed = 0;
  const print = (m: Message) => {
    console.log(formatLine(m));
    printed += 1;
    if (printed >= opts.count) {
      void wsClient.close();
      process.exit(0);
    }
  };

  // Without --since: the newest 20 from history, then live from the last of them.
  let lastEventId = opts.since;
  if (lastEventId === undefined) {
    const page = await chat.chat.history.query({ limit: 20 });
    for (const m of page.messages) print(m);
    lastEventId = String(page.messages.at(-1)?.id ?? 0);
  }
  chat.chat.onMessage.subscribe(
    { lastEventId },
    {
      // Each batch is typed: `data.messages` is Message[], in id order, and `id` resumes the stream after it.
      onData: ({ data }) => {
        for (const m of data.messages) print(m);
      },
      onStarted: () => {
        if (opts.say !== undefined)
          chat.chat.send.mutate({ text: opts.say }).catch((error) => fail(describe(error)));
      },
      onError: (error) => fail(describe(error)),
    },
  );
}

const describe = (error: unknown) =>
  error instanceof TRPCClientError ? `${error.data?.code ?? 'error'}: ${error.message}` : String(error);

main().catch((error) => fail(describe(error)));
