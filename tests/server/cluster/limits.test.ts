// The per-user connection cap across instances: each instance counts the user's connections on the others too (as
// shared by the presence heartbeat), so spreading tabs over instances behind least_conn does not multiply the cap.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient } from '../../helpers/server';
import { clusterFixture, startInstance, until } from './helpers';

const { instances, clients, createDatabase } = clusterFixture();

/** A connection as `userId`, by hand: 'admitted' once it answers a query, else the close code it got. */
function tryConnect(wsUrl: string, userId: string): Promise<'admitted' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}?connectionParams=1`);
    ws.on('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { userId } }));
      ws.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'presence.list' } }));
    });
    let answered = false;
    ws.on('message', (data) => {
      if ((JSON.parse(String(data)) as { id?: number }).id !== 1) return;
      answered = true;
      ws.close();
    });
    ws.once('close', (code) => resolve(answered ? 'admitted' : code));
  });
}

describe('connection cap per user across instances', () => {
  it('refuses a connection on one instance when the user holds the cap on another, and admits it once one closes', async () => {
    const url = await createDatabase();
    const env = { WS_MAX_CONNECTIONS_PER_USER: '2' };
    const [a, b] = await Promise.all([startInstance(url, env), startInstance(url, env)]);
    instances.push(a, b);
    const tabs = [connectClient(a.wsUrl, { userId: 'ann' }), connectClient(a.wsUrl, { userId: 'ann' })];
    clients.push(...tabs);
    for (const tab of tabs) await tab.trpc.presence.list.query();

    // B hears of ann's two connections on A by the next heartbeats (2 s each way).
    await until(async () => (await tryConnect(b.wsUrl, 'ann')) === 1008, 15_000, 'B to refuse a third tab');
    expect(await tryConnect(b.wsUrl, 'ben')).toBe('admitted');

    await tabs[0]?.close();
    await until(
      async () => (await tryConnect(b.wsUrl, 'ann')) === 'admitted',
      15_000,
      'B to admit ann again',
    );
  });
});
