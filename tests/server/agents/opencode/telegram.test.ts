// A permission ask answered from Telegram by replying to the agent's post (not the buttons): the real opencode
// (scripted model) asks to run a shell command, the assigner replies "allow" in Telegram (through the emulator),
// the answer reaches opencode, the command runs and the task ends done.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../../src/server/app';
import { startTestServer, waitFor } from '../../../helpers/server';
import { Emulator, telegramEnv } from '../../transports/telegram/emulator';
import { type AttachedOpencode, attachedOpencode } from './harness';

let oc: AttachedOpencode;
let emulator: Emulator;
let app: App;

beforeAll(async () => {
  oc = await attachedOpencode('telegram-reply');
  emulator = await Emulator.start();
  app = await startTestServer({
    ...telegramEnv(emulator.apiRoot),
    // Attaching needs the server's password: a setting, as in production.
    ...oc.settings,
  });
  await app.services.agents.hire({ name: 'ada', role: 'developer', smartness: 'normal' }, 'test');
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  await oc?.stop();
});

const fromBot = (match: (text: string) => boolean) => emulator.sent.find((m) => match(m.text));

describe('asks answered from Telegram', () => {
  it('"allow" replied in Telegram to the agent’s permission post lets the command run', async () => {
    await emulator.userSays('@ada please build the site (script:bash)', { userName: 'tg_carol' });
    await waitFor(
      () => fromBot((t) => t.includes('🔐')) !== undefined,
      60_000,
      'the permission post in Telegram',
    );
    const ask = fromBot((t) => t.includes('🔐'));
    expect(ask?.text).toContain('@tg_carol or an admin may answer');

    await emulator.userSays('allow', { userName: 'tg_carol', replyTo: ask?.telegramId });
    await waitFor(
      () => fromBot((t) => t.includes('✅ Done')) !== undefined,
      60_000,
      'the result in Telegram',
    );
    // The command ran in the task's worktree: its file is on the task's branch.
    const [task] = await app.services.agents.listTasks({ agent: 'ada' });
    const onBranch = execFileSync('git', ['show', `${task?.branch}:ran.txt`], {
      cwd: oc.world.project,
      encoding: 'utf8',
    });
    expect(onBranch).toBe('ran\n');
    const timeline = await app.services.agents.timeline.list();
    expect(timeline.map((u) => u.event)).toContainEqual(
      expect.objectContaining({ kind: 'answered', by: 'tg_carol', answer: 'allow' }),
    );
  }, 150_000);
});
