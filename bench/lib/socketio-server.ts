// Peer 1, the Socket.IO 4 relay a Node team would pick for a chat: websocket transport only, perMessageDeflate
// off; a 'send' is acknowledged with the stored-shape message and broadcast to every connected socket (io.emit).
// No database, no auth: what the project is compared with is the relay people would ship, not a durable chat.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Message } from '../../src/shared/message';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
let lastId = 0;

io.on('connection', (socket) => {
  socket.on('send', (input: { text?: unknown }, ack?: (m: Message) => void) => {
    const message = {
      id: ++lastId,
      text: typeof input?.text === 'string' ? input.text : '',
      sender: 'socketio',
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
    io.emit('message', message);
    ack?.(message);
  });
});
http.listen(0, '127.0.0.1', () => {
  console.log(`BASELINE_PORT=${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
