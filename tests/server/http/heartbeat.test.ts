import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startHeartbeat } from '../../../src/server/http/heartbeat';
import { waitFor } from '../../helpers/server';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function serverWithHeartbeat(intervalMs: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const stop = startHeartbeat(wss, intervalMs);
  await new Promise((r) => wss.once('listening', r));
  cleanups.push(() => {
    stop();
    wss.close();
  });
  const port = (wss.address() as { port: number }).port;
  const connect = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    cleanups.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    return ws;
  };
  return { wss, connect };
}

describe('heartbeat', () => {
  it('keeps a peer that answers pings and drops one that went silent', async () => {
    const { wss, connect } = await serverWithHeartbeat(50);
    const healthy = await connect();
    const silent = await connect();
    let pings = 0;
    healthy.on('ping', () => pings++);
    // A peer whose machine vanished: nothing it would send (pongs included) arrives any more.
    (silent as unknown as { _socket: Socket })._socket.pause();
    await waitFor(() => wss.clients.size === 1, 5000, 'the silent peer to be dropped');
    await waitFor(() => pings >= 3, 5000, 'pings to the healthy peer');
    expect(healthy.readyState).toBe(WebSocket.OPEN);
  });
});
