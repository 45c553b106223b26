// @vitest-environment happy-dom
// The browser page as the chat connection sees it: navigator.onLine, the window's online/offline events, the tab
// coming to the front (not going to the back), and listeners that really come off.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserPage } from '../../../src/client/lib/page-signals';

const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};

afterEach(() => setVisibility('visible'));

describe('browserPage', () => {
  it('passes on the network going and coming back, until unsubscribed', () => {
    const page = browserPage();
    const offline = vi.fn();
    const online = vi.fn();
    const stopOffline = page.on('offline', offline);
    const stopOnline = page.on('online', online);

    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    stopOffline();
    stopOnline();
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));

    expect(offline).toHaveBeenCalledTimes(1);
    expect(online).toHaveBeenCalledTimes(1);
    expect(page.isOnline()).toBe(navigator.onLine);
    expect(page.storage).toBe(sessionStorage);
  });

  it('says "visible" when the tab comes to the front, not when it goes to the back', () => {
    const page = browserPage();
    const visible = vi.fn();
    const stop = page.on('visible', visible);

    setVisibility('hidden');
    expect(visible).not.toHaveBeenCalled();
    setVisibility('visible');
    expect(visible).toHaveBeenCalledTimes(1);
    stop();
    setVisibility('hidden');
    setVisibility('visible');
    expect(visible).toHaveBeenCalledTimes(1);
  });
});
