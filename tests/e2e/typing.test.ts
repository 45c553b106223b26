// End to end in real Chromium: "alice is typing…" goes away for others as soon as alice clears her draft. Bob's
// clock is frozen, so his indicator cannot simply lapse (3 s after the last signal), and alice's clock is paused
// while she clears the draft, so her 3-s idle timer cannot send "stopped" either: only clearing the draft can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser } from './helpers/browser';

let app: App;
let session: BrowserSession;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer();
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

describe('typing indicator', () => {
  it('disappears for others when the draft is cleared, and when the message is sent', async () => {
    const alice = await session.newPage();
    const bob = await session.newPage();
    await bob.clock.setFixedTime(new Date());
    await alice.clock.install();
    await joinAs(alice, app.httpUrl, 'alice');
    await joinAs(bob, app.httpUrl, 'bob');
    const indicator = bob.getByTestId('typing-indicator');
    const input = alice.getByTestId('message-input');

    await input.pressSequentially('hello there');
    await bob.locator('[data-testid="typing-indicator"][data-typing="alice"]').waitFor();
    expect(await indicator.textContent()).toBe('alice is typing…');

    // Alice's timers stop here (a little ahead of her clock, never behind it); only those due within a few
    // milliseconds run from now on, such as the zero-delay hop the WebSocket client takes before sending.
    await alice.clock.pauseAt((await alice.evaluate(() => Date.now())) + 200);
    // Select all and delete: the draft is empty, so alice is no longer typing.
    await input.press('ControlOrMeta+a');
    await input.press('Backspace');
    expect(await input.inputValue()).toBe('');
    await alice.clock.runFor(20);
    await bob.locator('[data-testid="typing-indicator"][data-typing=""]').waitFor({ timeout: 5_000 });
    await alice.clock.resume();

    await input.pressSequentially('sent now');
    await bob.locator('[data-testid="typing-indicator"][data-typing="alice"]').waitFor();
    await input.press('Enter');
    await bob.locator('[data-testid="typing-indicator"][data-typing=""]').waitFor();
    expect(await indicator.textContent()).toBe('');
  });
});
