// The Telegram bridge as a cluster singleton: one instance polls and forwards, and when it dies another takes the
// role and the outbox continues from the shared cursor, in order.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommunicationInfo } from '../../../src/server/transports/communication-manager';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { connectClient, type TestClient, waitFor } from '../../helpers/server';
import { Emulator, telegramEnv } from '../transports/telegram/emulator';
import { type Instance, startInstance, stopInstance } from './helpers';

let postgres: TestPostgres;
let emulator: Emulator | null = null;
const instances: Instance[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const i of instances.splice(0)) stopInstance(i);
  await emulator?.stop();
  emulator = null;
});
afterAll(async () => {
  await postgres?.stop();
});

async function info(instance: Instance): Promise<CommunicationInfo> {
  return (await (await fetch(`${instance.httpUrl}/communication/info`)).json()) as CommunicationInfo;
}

async function bridgeHolders(all: Instance[]): Promise<Instance[]> {
  const alive = all.filter((i) => i.process.child.exitCode === null && i.process.child.signalCode === null);
  const states = await Promise.all(alive.map(async (i) => ((await info(i)).type === 'telegram' ? i : null)));
  return states.filter((i): i is Instance => i !== null);
}

describe('Telegram bridge across instances', () => {
  it('runs on one instance only, and another takes over and continues in order when it dies', async () => {
    const url = await postgres.createDatabase();
    emulator = await Emulator.start();
    const env = telegramEnv(emulator.apiRoot, { TELEGRAM_GLOBAL_PER_SECOND: '1000' });
    const a = await startInstance(url, env);
    const b = await startInstance(url, env);
    instances.push(a, b);

    let holders: Instance[] = [];
    const poll = setInterval(async () => {
      holders = await bridgeHolders(instances).catch(() => holders);
    }, 100);
    try {
      await waitFor(() => holders.length === 1, 15_000, 'exactly one instance running the bridge');
      const leader = holders[0] as Instance;
      const survivor = leader === a ? b : a;
      expect((await info(survivor)).reason).toContain('standby');

      const alice = connectClient(survivor.wsUrl, { userId: 'alice' });
      clients.push(alice);
      for (let i = 1; i <= 10; i++) await alice.trpc.chat.send.mutate({ text: `before ${i}` });
      await waitFor(() => (emulator?.sent.length ?? 0) >= 10, 15_000, 'the first ten in Telegram');

      stopInstance(leader);
      for (let i = 1; i <= 10; i++) await alice.trpc.chat.send.mutate({ text: `after ${i}` });
      await waitFor(
        () => holders.length === 1 && holders[0] === survivor,
        15_000,
        'the survivor to take the role',
      );
      await waitFor(
        () => new Set(emulator?.sent.map((s) => s.text)).size >= 20,
        20_000,
        'all twenty in Telegram',
      );
    } finally {
      clearInterval(poll);
    }
    const texts = (emulator?.sent ?? []).map((s) => s.text.replace(/^<b>alice<\/b>: /, ''));
    // The Bot API has no idempotency key: a message in flight when the holder died may be sent once more, as the
    // next one; nothing else may repeat, and the order holds.
    const once = texts.filter((t, i) => t !== texts[i - 1]);
    expect(once).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `before ${i + 1}`),
      ...Array.from({ length: 10 }, (_, i) => `after ${i + 1}`),
    ]);
    expect(texts.length - once.length).toBeLessThanOrEqual(1);
  });
});
