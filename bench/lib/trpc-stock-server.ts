// Peer 2, tRPC's own WebSocket server as its documentation shows it: `applyWSSHandler` with a router whose
// chat.send (zod input) emits on an EventEmitter and whose chat.onMessage subscription yields `tracked()` events
// from it. The same @trpc/client clients as the project connect to it. No database, no auth.
import { EventEmitter, on } from 'node:events';
import { initTRPC, tracked } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Message } from '../../src/shared/message';

const t = initTRPC.create();
const events = new EventEmitter();
events.setMaxListeners(0);
let lastId = 0;

const router = t.router({
  chat: t.router({
    send: t.procedure.input(z.object({ text: z.string().min(1).max(4000) })).mutation(({ input }) => {
      const message = {
        id: ++lastId,
        text: input.text,
        sender: 'trpc',
        senderKind: 'user',
        mentions: [],
        isCommand: false,
        command: null,
        commandArgs: [],
        replyTo: null,
        origin: 'websocket',
        createdAt: new Date().toISOString(),
        clientId: null,
      } satisfies Message;
      events.emit('message', message);
      return message;
    }),
    onMessage: t.procedure.subscription(async function* ({ signal }) {
      for await (const [message] of on(events, 'message', { signal }) as AsyncIterable<[Message]>)
        yield tracked(String(message.id), { messages: [message] });
    }),
  }),
});

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
applyWSSHandler({ wss, router, createContext: () => ({}) });
wss.on('listening', () => {
  const address = wss.address();
  console.log(`BASELINE_PORT=${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
