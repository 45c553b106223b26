// The raw ws broadcast baseline: relays each frame to every other client. No parsing, no storage, no auth.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of wss.clients) if (client !== socket) client.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`BASELINE_PORT=${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
