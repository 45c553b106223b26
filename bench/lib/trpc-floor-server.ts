// The "tRPC floor": the least a server can do and still serve the benchmark's real @trpc/client clients. It speaks
// tRPC's WebSocket wire protocol (connectionParams, subscriptions, batched mutations) but has no database, no auth,
// no validation and no middleware: chat.send is acknowledged and its message relayed to every subscriber at once,
// each frame serialized once. What the project adds over this is the server's own cost; what this costs over the
// raw ws relay is the clients' (@trpc/client's request batching and per-frame processing), which no server removes.
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Message } from '../../src/shared/message';

interface Request {
  id: number | string;
  method: string;
  params?: { path?: string; input?: { text?: string } };
}

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});
/** Subscribed sockets and the request id their subscription frames carry. */
const subscribers = new Map<WebSocket, number | string>();
let lastId = 0;

function send(socket: WebSocket, request: Request) {
  if (request.method === 'subscription') {
    subscribers.set(socket, request.id);
    socket.send(JSON.stringify({ id: request.id, result: { type: 'started' } }));
    return;
  }
  if (request.method !== 'mutation' || request.params?.path !== 'chat.send') return;
  const id = ++lastId;
  const message = {
    id,
    text: request.params.input?.text ?? '',
    sender: 'floor',
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
  socket.send(JSON.stringify({ id: request.id, result: { type: 'data', data: message } }));
  const frames = new Map<number | string, string>();
  const data = { id: String(id), data: { messages: [message] } };
  for (const [subscriber, subscriptionId] of subscribers) {
    let frame = frames.get(subscriptionId);
    if (frame === undefined) {
      frame = JSON.stringify({ id: subscriptionId, result: { type: 'data', id: String(id), data } });
      frames.set(subscriptionId, frame);
    }
    subscriber.send(frame);
  }
}

wss.on('connection', (socket) => {
  socket.on('message', (raw: RawData) => {
    const text = String(raw);
    if (text === 'PING') return void socket.send('PONG');
    const parsed = JSON.parse(text) as Request | Request[];
    for (const request of Array.isArray(parsed) ? parsed : [parsed]) send(socket, request);
  });
  socket.on('close', () => subscribers.delete(socket));
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`BASELINE_PORT=${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
