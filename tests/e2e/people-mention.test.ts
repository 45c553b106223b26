// End to end in real Chromium: pressing a person in the people list puts `@name ` at the composer's caret and
// focuses it (through the composer's ref), typing goes on after it, and the sent message mentions them.
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
