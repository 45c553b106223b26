// The Telegram bridge as a cluster singleton: one instance polls and forwards, and when it dies — or goes stale,
// paused past a takeover — another takes the role and the outbox continues from the shared cursor, in order. The
// admin's runtime switch acts on the whole cluster, whichever instance receives it.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LOCKS } from '../../../src/server/db/pg/locks';
import { leaderApplicationName } from '../../../src/server/db/pg/pg-leader';
import { connectClient, waitFor } from '../../helpers/server';
import { ApiProxy, Emulator, telegramEnv } from '../transports/telegram/emulator';
import {
  clusterFixture,
  type Instance,
  communicationInfo as info,
  isAlive,
  startInstance,
  stopInstance,
  until,
} from './helpers';

let emulator: Emulator | null = null;
const proxies: ApiProxy[] = [];

const { instances, clients, createDatabase } = clusterFixture(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
  await emulator?.stop();
  emulator = null;
});

/** A fresh database and a fresh emulator; returns the database URL. */
async function freshCluster(): Promise<string> {
  emulator = await Emulator.start();
  return createDatabase();
}

/** An instance bridged to the emulator (or to a proxy in front of it). */
async function bridged(url: string, apiRoot: string, extra: Record<string, string> = {}): Promise<Instance> {
  const instance = await startInstance(
    url,
    telegramEnv(apiRoot, { TELEGRAM_GLOBAL_PER_SECOND: '1000', ...extra }),
  );
  instances.push(instance);
  return instance;
}

async function bridgeHolders(all: Instance[]): Promise<Instance[]> {
  const alive = all.filter(isAlive);
  const states = await Promise.all(alive.map(async (i) => ((await info(i)).type === 'telegram' ? i : null)));
  return states.filter((i): i is Instance => i !== null);
}

/** Waits until exactly one live instance runs the bridge, and returns it. */
async function soleHolder(): Promise<Instance> {
  let holders: Instance[] = [];
  await until(
    async () => {
      holders = await bridgeHolders(instances);
      return holders.length === 1;
    },
    15_000,
    'exactly one instance running the bridge',
  );
  return holders[0] as Instance;
}

/** Two instances bridged to the emulator on `url`: the one that runs the bridge, and the other. */
async function bridgedPair(url: string): Promise<{ holder: Instance; other: Instance }> {
  const a = await bridged(url, emulator?.apiRoot ?? '');
  const b = await bridged(url, emulator?.apiRoot ?? '');
  const holder = await soleHolder();
  return { holder, other: holder === a ? b : a };
}

const sentTexts = () => (emulator?.sent ?? []).map((s) => s.text.replace(/^<b>\w+<\/b>: /, ''));

describe('Telegram bridge across instances', () => {
  it('runs on one instance only, and another takes over and continues in order when it dies', async () => {
    const url = await freshCluster();
    const a = await bridged(url, emulator?.apiRoot ?? '');
    const b = await bridged(url, emulator?.apiRoot ?? '');

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
      await waitFor(() => distinctSent() >= 20, 20_000, 'all twenty in Telegram');
    } finally {
      clearInterval(poll);
    }
    expectInOrderAtMostOneDuplicate(['before', 'after']);
  });

  // Its waits (each bounded) add up to more than the default 30 s on a loaded machine.
  it('fences a stale leader: paused past a takeover, it sends nothing more once it runs again', {
    timeout: 90_000,
  }, async () => {
    const url = await freshCluster();
    const target = emulator?.apiRoot ?? '';
    // Each instance talks to a slow Telegram through its own proxy, so every send is counted per instance and
    // the holder has a backlog (and a send in flight) when it freezes.
    const slow = { sendDelayMs: 40 };
    const [proxyA, proxyB] = await Promise.all([
      ApiProxy.start(() => target, { ...slow }),
      ApiProxy.start(() => target, { ...slow }),
    ]);
    proxies.push(proxyA, proxyB);
    const a = await bridged(url, proxyA.apiRoot);
    const b = await bridged(url, proxyB.apiRoot);
    const stale = await soleHolder();
    const [survivor, staleProxy] = stale === a ? [b, proxyA] : [a, proxyB];
    const sends = () => staleProxy.calls.filter((c) => c.method === 'sendMessage').length;

    const alice = connectClient(survivor.wsUrl, { userId: 'alice' });
    clients.push(alice);
    for (let i = 1; i <= 30; i++) await alice.trpc.chat.send.mutate({ text: `before ${i}` });
    await waitFor(() => sends() >= 5, 15_000, 'the holder to be forwarding');

    // The holder freezes mid-stream (a long GC pause, a stopped VM) and, meanwhile, loses its lock connection: it
    // does not know it is no longer the leader.
    stale.process.child.kill('SIGSTOP');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const terminated = Date.now();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND s.application_name = $2`,
      [LOCKS.telegram, leaderApplicationName('telegram')],
    );
    await admin.end();
    expect(killed.rowCount).toBe(1);
    for (let i = 1; i <= 10; i++) await alice.trpc.chat.send.mutate({ text: `after ${i}` });
    await until(
      async () => (await info(survivor)).type === 'telegram',
      15_000,
      'the survivor to take the role',
    );
    const takeoverMs = Date.now() - terminated;
    await waitFor(() => distinctSent() >= 40, 20_000, 'all forty in Telegram');
    // Includes the send the holder had in flight when it froze (the proxy completed it meanwhile).
    const sentBeforeResume = sends();

    // The stale leader runs again, with messages arriving on both instances and rows it had in hand.
    stale.process.child.kill('SIGCONT');
    const aliceOnStale = connectClient(stale.wsUrl, { userId: 'alice' });
    clients.push(aliceOnStale);
    for (let i = 1; i <= 5; i++) await aliceOnStale.trpc.chat.send.mutate({ text: `late ${i}` });
    await waitFor(() => distinctSent() >= 45, 20_000, 'all forty-five in Telegram');
    await until(
      async () => {
        const state = await info(stale);
        return state.type === 'websocket' && (state.reason ?? '').includes('standby');
      },
      10_000,
      'the stale leader to stand by',
    );
    // At most the one send it had already checked when it froze may still leave after SIGCONT (the README's
    // "at most one duplicate per failover"); its backlog and the new messages must not.
    expect(sends() - sentBeforeResume).toBeLessThanOrEqual(1);
    expectInOrderAtMostOneDuplicate(['before', 'after', 'late'], { before: 30, late: 5 });
    console.info(
      `stale Telegram leader fenced: ${sentBeforeResume} sends before it froze, ${sends() - sentBeforeResume} after; takeover ` +
        `${takeoverMs} ms after its lock connection died; ${(emulator?.sent.length ?? 0) - distinctSent()} duplicate(s)`,
    );
  });
});

describe('runtime transport switch across instances', () => {
  it('stops and starts the bridge on the holder when a standby is switched', async () => {
    const url = await freshCluster();
    const { holder: onHolder, other: standby } = await bridgedPair(url);
    const admin = connectClient(standby.wsUrl, { userId: 'root' });
    const alice = connectClient(onHolder.wsUrl, { userId: 'alice' });
    clients.push(admin, alice);

    // Off, through the standby: the holder stops its bridge, and nobody says "standby" any more.
    const off = await admin.trpc.communication.switch.mutate({ transport: 'websocket' });
    expect(off).toMatchObject({ type: 'websocket', detectedBy: 'switch', reason: null });
    await until(
      async () => {
        const state = await info(onHolder);
        return (
          state.type === 'websocket' && !state.transports.telegram.running && state.detectedBy === 'switch'
        );
      },
      10_000,
      'the holder to stop its bridge',
    );
    expect((await info(onHolder)).reason).toBeNull();
    await alice.trpc.chat.send.mutate({ text: 'said while the bridge is off' });

    // On again, through the standby: the bridge starts on the holder, and the standby says it stands by.
    const on = await admin.trpc.communication.switch.mutate({ transport: 'telegram' });
    expect(on).toMatchObject({ type: 'websocket', detectedBy: 'switch' });
    expect(on.reason).toContain('standby');
    await until(
      async () => (await info(onHolder)).type === 'telegram',
      10_000,
      'the holder to start its bridge',
    );
    expect((await info(standby)).transports.telegram.running).toBe(false);
    await alice.trpc.chat.send.mutate({ text: 'said with the bridge back on' });
    await waitFor(() => sentTexts().length >= 1, 10_000, 'the bridge to forward again');
    // Off on purpose forgets the cursor: what was said while off never reaches Telegram.
    expect(sentTexts()).toEqual(['said with the bridge back on']);
  });

  // The holder dies; the test itself holds the Telegram role (as a stand-in nobody can forward through) while the
  // cluster is switched off, so no instance holds it then and nobody forgets the cursor at the switch.
  it.each([
    ['takes the role while the cluster is off', false],
    ['takes the role only after the cluster is back on', true],
  ])(
    'forgets what was said while off when no instance held the role then: the survivor %s',
    async (_, backOnBeforeTakeover) => {
      const url = await freshCluster();
      const { holder, other: survivor } = await bridgedPair(url);
      const alice = connectClient(survivor.wsUrl, { userId: 'alice' });
      clients.push(alice);
      const first = await alice.trpc.chat.send.mutate({ text: 'before' });
      await waitFor(() => sentTexts().includes('before'), 10_000, 'the first message in Telegram');

      stopInstance(holder);
      const role = new pg.Client({ connectionString: url });
      await role.connect();
      // Granted once the dead holder's session is gone; the survivor cannot take the role until this one ends.
      await role.query('SELECT pg_advisory_lock($1)', [LOCKS.telegram]);
      await alice.trpc.communication.switch.mutate({ transport: 'websocket' });
      await alice.trpc.chat.send.mutate({ text: 'said while the bridge is off' });
      // A change after the newest message while off is not news either (the log's newest id is the resume point).
      await alice.trpc.chat.edit.mutate({ id: first.id, text: 'before, edited while off' });
      if (backOnBeforeTakeover) await alice.trpc.communication.switch.mutate({ transport: 'telegram' });
      await role.end();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await until(
          async () => {
            const held = await admin.query(
              `SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND s.application_name = $2`,
              [LOCKS.telegram, leaderApplicationName('telegram')],
            );
            return held.rowCount === 1;
          },
          15_000,
          'the survivor to take the role',
        );
      } finally {
        await admin.end();
      }

      if (!backOnBeforeTakeover) await alice.trpc.communication.switch.mutate({ transport: 'telegram' });
      await until(async () => (await info(survivor)).type === 'telegram', 10_000, 'the bridge back on');
      await alice.trpc.chat.send.mutate({ text: 'said with the bridge back on' });
      await waitFor(
        () => sentTexts().includes('said with the bridge back on'),
        10_000,
        'the bridge to forward',
      );
      // ('before' may repeat once: it may have been in flight when its holder died.)
      expect(sentTexts()).not.toContain('said while the bridge is off');
      expect([...new Set(sentTexts())]).toEqual(['before', 'said with the bridge back on']);
      // The outbox forwards the log in order: an edit it would forward went out before the later message.
      const copy = emulator?.sent.find((s) => s.text.endsWith('before'));
      expect(emulator?.botText(copy?.telegramId ?? 0)).not.toContain('edited while off');
    },
  );

  it('starts the bridge in a cluster that started without it when a non-holder is switched', async () => {
    const url = await freshCluster();
    const a = await bridged(url, emulator?.apiRoot ?? '', { OPENCODE_TRANSPORT: 'websocket' });
    const b = await bridged(url, emulator?.apiRoot ?? '', { OPENCODE_TRANSPORT: 'websocket' });
    expect((await Promise.all([info(a), info(b)])).map((i) => i.type)).toEqual(['websocket', 'websocket']);
    const admin = connectClient(a.wsUrl, { userId: 'root' });
    clients.push(admin);

    await admin.trpc.communication.switch.mutate({ transport: 'telegram' });
    let states = await Promise.all([info(a), info(b)]);
    await until(
      async () => {
        states = await Promise.all([info(a), info(b)]);
        return states.every((s) => s.detectedBy === 'switch') && states.some((s) => s.type === 'telegram');
      },
      10_000,
      'the bridge on one instance, the switch seen by both',
    );
    expect(states.filter((s) => s.type === 'telegram')).toHaveLength(1);
    expect(states.find((s) => s.type === 'websocket')?.reason).toContain('standby');
    await admin.trpc.chat.send.mutate({ text: 'hello telegram' });
    await waitFor(() => sentTexts().includes('hello telegram'), 10_000, 'the message in Telegram');
  });
});

function distinctSent(): number {
  return new Set(emulator?.sent.map((s) => s.text)).size;
}

/**
 * The Bot API has no idempotency key: a message in flight when the holder changed may be sent once more, as the
 * next one; nothing else may repeat, and the order holds.
 */
function expectInOrderAtMostOneDuplicate(groups: string[], sizes: Record<string, number> = {}): void {
  const texts = sentTexts();
  const once = texts.filter((t, i) => t !== texts[i - 1]);
  expect(once).toEqual(
    groups.flatMap((g) => Array.from({ length: sizes[g] ?? 10 }, (_, i) => `${g} ${i + 1}`)),
  );
  expect(texts.length - once.length).toBeLessThanOrEqual(1);
}
