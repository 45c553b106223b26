// End to end in real Chromium, the composer as the chat screen drives it: pressing a person in the people list puts
// `@name ` at the caret of the focused composer (through its ref), and slash commands of the shared table answer
// with a notice when done and inline, keeping the typed text, when refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import { type BrowserSession, joinAs, launchBrowser, messageLocator } from './helpers/browser';

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

describe('mention from the people list', () => {
  it('puts @name at the caret of the focused composer, and the message mentions them', async () => {
    const bob = await session.newPage();
    await joinAs(bob, app.httpUrl, 'bob');
    const alice = await session.newPage();
    await joinAs(alice, app.httpUrl, 'alice');
    const input = alice.getByTestId('message-input');

    await input.fill('hello  there');
    await input.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6));
    await alice.getByRole('button', { name: 'Mention bob' }).click();

    await expect.poll(() => input.inputValue()).toBe('hello @bob  there');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await alice.keyboard.type('and');
    expect(await input.inputValue()).toBe('hello @bob and there');

    await input.press('Enter');
    await messageLocator(bob, 'hello @bob and there').waitFor();
    const stored = (await app.services.repo.history(null, 10)).find((m) => m.sender === 'alice');
    expect(stored?.mentions).toEqual(['bob']);
  });
});

describe('slash commands in the composer', () => {
  it('answers a command that worked with a notice, and a refused one inline with the typed text kept', async () => {
    const admin = await session.newPage();
    await joinAs(admin, app.httpUrl, 'root');
    const input = admin.getByTestId('message-input');

    await input.fill('/hire ada developer');
    await input.press('Enter');
    await expect.poll(() => admin.getByTestId('notice').textContent()).toBe('Hired ada (developer).');
    expect(await input.inputValue()).toBe('');

    await input.fill('/fire nobody-here');
    await input.press('Enter');
    await expect.poll(() => admin.getByTestId('send-error').textContent()).toMatch(/nobody-here/);
    expect(await input.inputValue()).toBe('/fire nobody-here');
    expect(await admin.getByTestId('notice').count()).toBe(0);
    const texts = (await app.services.repo.history(null, 50)).map((m) => m.text);
    expect(texts).not.toContain('/fire nobody-here');
    expect(texts).not.toContain('/hire ada developer');
  });
});
