// Slow-handshake attack (issue 15.7) against a real server process: N connections each send half an upgrade
// request and then nothing. Prints how long the server held them (Node's default would be 60-75 s), its RSS
// before, at the peak and after, and whether /health kept answering meanwhile.
//   npx tsx scripts/reliability/slow-handshakes.ts [--sockets 3000]
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startServerProcess } from '../../tests/helpers/process';
import { tempDir } from '../../tests/helpers/server';

const { values } = parseArgs({ options: { sockets: { type: 'string', default: '3000' } } });
const count = Number(values.sockets);
const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

const port = await freePort();
const server = await startServerProcess({
  PORT: String(port),
  WEBSOCKET_PORT: String(port),
  DATABASE_URL: join(tempDir('ocs-slow-'), 'chat.db'),
});
const pid = server.child.pid as number;
const rssStart = rssMb(pid);
let rssPeak = rssStart;
const started = Date.now();
const closedAt: number[] = [];
const sockets: Socket[] = [];
for (let i = 0; i < count; i += 1) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // Read the 408: a socket nobody reads from never sees the server's close.
  socket.resume();
  socket.on('close', () => closedAt.push(Date.now() - started));
  socket.on('connect', () =>
    socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`),
  );
  sockets.push(socket);
}
let healthOk = 0;
let healthTried = 0;
while (closedAt.length < count && Date.now() - started < 120_000) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  rssPeak = Math.max(rssPeak, rssMb(pid));
  healthTried += 1;
  const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
    async (res) => (await res.text()) !== '' && res.status === 200,
    () => false,
  );
  if (ok) healthOk += 1;
}
const held = closedAt.sort((a, b) => a - b);
await new Promise((resolve) => setTimeout(resolve, 2000));
const rssAfter = rssMb(pid);
console.log(
  JSON.stringify({
    sockets: count,
    closedByServer: held.length,
    heldMedianS: (held[Math.floor(held.length / 2)] ?? 0) / 1000,
    heldMaxS: (held.at(-1) ?? 0) / 1000,
    rssMb: { start: rssStart, peak: rssPeak, after: rssAfter },
    healthDuringAttack: `${healthOk}/${healthTried}`,
  }),
);
for (const socket of sockets) socket.destroy();
server.child.kill('SIGTERM');
await server.exited;
