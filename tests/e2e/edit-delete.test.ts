// End to end in real Chromium: an edit and a deletion seen live by the other person and still there after a
// reload; Up-arrow in the empty composer edits your last message; no edit of someone else's message.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app';
import { startTestServer } from '../helpers/server';
import {
  type BrowserSession,
  joinAs,
  launchBrowser,
  messageLocator,
  screenshot,
  sendMessage,
} from './helpers/browser';

let app: App;
let session: BrowserSession;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  session = await launchBrowser();
  app = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  alice = await session.newPage();
  bob = await session.newPage();
  await joinAs(alice, app.httpUrl, 'alice');
  await joinAs(bob, app.httpUrl, 'bob');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const byId = (page: Page, id: number) =>
  page.locator(`[data-testid="message-item"][data-message-id="${id}"]`);

async function idOf(page: Page, text: string): Promise<number> {
  const item = messageLocator(page, text);
  await item.waitFor();
  return Number(await item.getAttribute('data-message-id'));
}

describe('editing and deleting in the browser', () => {
  it('shows an edit live to the other person, marked (edited), and after a reload', async () => {
    await sendMessage(alice, 'meet at 3pm');
    const id = await idOf(alice, 'meet at 3pm');
    await byId(bob, id).waitFor();

    await byId(alice, id).hover();
    await byId(alice, id).getByTestId('edit-button').click();
    const editor = byId(alice, id).getByTestId('edit-input');
    await editor.fill('meet at 4pm @bob');
    await editor.press('Enter');

    await expect.poll(() => byId(bob, id).textContent()).toContain('meet at 4pm');
    await byId(bob, id).getByTestId('edited-mark').waitFor();
    // The edit re-parsed the mention: bob's copy is marked as mentioning him.
    await expect.poll(() => byId(bob, id).getAttribute('class')).toContain('border-amber-400');
    await screenshot(bob, 'edited-message');

    await bob.reload();
    await byId(bob, id).waitFor();
    expect(await byId(bob, id).textContent()).toContain('meet at 4pm');
    expect(await byId(bob, id).getByTestId('edited-mark').count()).toBe(1);
    expect(await byId(bob, id).textContent()).not.toContain('3pm');
  });

  it('offers no edit on someone else’s message; delete only as an admin (open mode: everyone is one)', async () => {
    await sendMessage(bob, 'bob says hi');
    const id = await idOf(alice, 'bob says hi');
    await byId(alice, id).hover();
    await byId(alice, id).getByTestId('add-reaction').waitFor();
    expect(await byId(alice, id).getByTestId('edit-button').count()).toBe(0);
    expect(await byId(alice, id).getByTestId('delete-button').getAttribute('aria-label')).toBe(
      "Delete bob's message",
    );
  });

  it('edits your last message with Up-arrow in the empty composer; Escape cancels', async () => {
    await sendMessage(alice, 'typo teh end');
    const id = await idOf(alice, 'typo teh end');
    const composer = alice.getByTestId('message-input');
    await composer.focus();
    await composer.press('ArrowUp');
    const editor = byId(alice, id).getByTestId('edit-input');
    await editor.waitFor();
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await composer.press('ArrowUp');
    await editor.fill('typo the end');
    await editor.press('Enter');
    await expect.poll(() => byId(bob, id).textContent()).toContain('typo the end');
  });

  it('shows a deletion live as "message deleted", and after a reload; the text is gone', async () => {
    await sendMessage(alice, 'oops, wrong channel');
    const id = await idOf(alice, 'oops, wrong channel');
    await byId(bob, id).waitFor();

    await byId(alice, id).hover();
    await byId(alice, id).getByTestId('delete-button').click();
    await byId(alice, id).getByTestId('confirm-delete').click();

    await byId(bob, id).getByTestId('message-deleted').waitFor();
    expect(await byId(bob, id).textContent()).not.toContain('wrong channel');
    await screenshot(bob, 'deleted-message');

    await bob.reload();
    await byId(bob, id).getByTestId('message-deleted').waitFor();
    expect(await byId(bob, id).textContent()).not.toContain('wrong channel');
    // Nothing left to change on a tombstone.
    await byId(alice, id).hover();
    expect(await byId(alice, id).getByTestId('edit-button').count()).toBe(0);
  });
});
