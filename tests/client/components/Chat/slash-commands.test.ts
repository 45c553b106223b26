// The chat's slash commands against the real server: one handler per name of the shared table, each carried out
// through the typed API and answered with a notice; usage and refusals come back as errors; other text is not ours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HANDLERS, runSlashCommand } from '../../../../src/client/components/Chat/slash-commands';
import type { App } from '../../../../src/server/app';
import { COMMANDS, commandsFor, helpText } from '../../../../src/shared/commands';
import { connectClient, startTestServer, type TestClient, tempDir } from '../../../helpers/server';
import { fixtureCommand, NO_OPENCODE } from '../../../server/agents/helpers';

let app: App;
let admin: TestClient;

beforeAll(async () => {
  app = await startTestServer({
    PROJECT_ROOT: tempDir('ocs-commands-'),
    OPENCODE_URL: NO_OPENCODE,
    // A task runs until it is stopped, so /stop has something to stop.
    AGENT_WORKER_COMMAND: fixtureCommand('slow-worker.mjs'),
  });
  admin = connectClient(app.wsUrl, { userId: 'root' });
});

afterAll(async () => {
  await admin?.close();
  await app?.stop();
});

const run = (text: string) => runSlashCommand(text, admin.trpc);

describe('slash commands', () => {
  it('has a handler for exactly the commands of the shared table', () => {
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('answers /help with the lines the server gives for the caller', async () => {
    expect(await run('/help')).toEqual({ ok: true, notice: helpText(commandsFor('admin')) });
  });

  it('hires, gives a task, stops it and fires, each answered with a notice', async () => {
    expect(await run('/hire ada developer and tester')).toEqual({
      ok: true,
      notice: 'Hired ada (developer and tester).',
    });
    expect(await run('/task ada fix the login test')).toMatchObject({
      ok: true,
      notice: expect.stringMatching(/^Task #\d+ for ada: fix the login test$/),
    });
    expect(await run('/stop ada')).toEqual({ ok: true, notice: 'Stopping ada: fix the login test' });
    expect(await run('/FIRE ada')).toEqual({ ok: true, notice: 'Fired ada.' });
    expect((await admin.trpc.employees.list.query()).map((e) => e.name)).not.toContain('ada');
  });

  it('switches the transport, and answers a transport it does not know with the usage line', async () => {
    expect(await run('/transport websocket')).toEqual({ ok: true, notice: 'Transport is now websocket.' });
    expect(await run('/transport carrier-pigeon')).toEqual({
      ok: false,
      error: 'usage: /transport websocket|telegram',
    });
  });

  it('answers too few words with the usage line and a refusal with the server message', async () => {
    expect(await run('/hire ada')).toEqual({ ok: false, error: 'usage: /hire <name> <role…>' });
    const refused = await run('/fire nobody-here');
    expect(refused).toMatchObject({ ok: false });
    expect(refused?.ok === false && refused.error).toMatch(/nobody-here/);
  });

  it('leaves text that is not a command of the table to be sent as a message', async () => {
    expect(await run('/answer 42')).toBeNull();
    expect(await run('hello /help')).toBeNull();
  });
});
