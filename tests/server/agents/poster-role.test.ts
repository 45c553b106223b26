// The poster's role rides on the bus event next to a committed message (HubEvent.posterRole), on SQLite and on
// PostgreSQL (where the tailer re-reads messages from the table): the agents' ask desk relies on it to let an admin
// answer by replying (issue 16). It is never part of the message itself.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubEvent } from '../../../src/server/ports/bus';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { agentServices, callerFor, stopAgentServices, waitFor } from './helpers';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});
afterEach(stopAgentServices);

const dialects: [string, () => Promise<string>][] = [
  ['sqlite', async () => ':memory:'],
  ['postgres', () => postgres.createDatabase()],
];

describe.each(dialects)('the poster role on %s', (_name, databaseUrl) => {
  it("carries the signed-in caller's role with the message event, and none for other posters", async () => {
    const services = await agentServices({ DATABASE_URL: await databaseUrl() });
    const events: Extract<HubEvent, { type: 'message' }>[] = [];
    const off = services.hub.onEvent((e) => {
      if (e.type === 'message') events.push(e);
    });
    const byAdmin = await callerFor(services, { id: 'root', role: 'admin' }).chat.send({
      text: 'from an admin',
    });
    const byUser = await callerFor(services, { id: 'carol', role: 'user' }).chat.send({
      text: 'from a user',
    });
    // As Telegram and /legacy post: no role.
    const bridged = await services.hub.post(
      { text: 'from telegram', sender: 'tg_dave', senderKind: 'user' },
      'telegram',
    );
    await waitFor(() => events.length >= 3, 10_000, 'the three events');
    off();
    const roleOf = (id: number) => events.find((e) => e.message.id === id)?.posterRole;
    expect(roleOf(byAdmin.id)).toBe('admin');
    expect(roleOf(byUser.id)).toBe('user');
    expect(roleOf(bridged.id)).toBeUndefined();
    expect(Object.keys(events[0]?.message ?? {})).not.toContain('posterRole');
  });
});
