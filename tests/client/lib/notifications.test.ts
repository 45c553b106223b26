// @vitest-environment happy-dom
// Desktop notifications are opt-in: on only once the person asked here and the browser granted it; a refusal shows
// as blocked; a click focuses the tab and hands over the message. The browser's Notification API is the edge of the
// world here: a stand-in records what the page asks of it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NOTIFICATIONS_KEY,
  notificationSetting,
  showNotification,
  turnOffNotifications,
  turnOnNotifications,
} from '../../../src/client/lib/notifications';

let answer: NotificationPermission = 'granted';
const shown: { title: string; options?: NotificationOptions; instance: FakeNotification }[] = [];

class FakeNotification extends EventTarget {
  static permission: NotificationPermission = 'default';
  static async requestPermission(): Promise<NotificationPermission> {
    FakeNotification.permission = answer;
    return answer;
  }
  onclick: (() => void) | null = null;
  closed = false;
  constructor(title: string, options?: NotificationOptions) {
    super();
    shown.push({ title, options, instance: this });
  }
  close() {
    this.closed = true;
  }
}

const real = Object.getOwnPropertyDescriptor(window, 'Notification');
beforeEach(() => {
  Object.defineProperty(window, 'Notification', {
    value: FakeNotification,
    configurable: true,
    writable: true,
  });
  FakeNotification.permission = 'default';
  answer = 'granted';
  shown.length = 0;
  localStorage.clear();
});
afterEach(() => {
  if (real) Object.defineProperty(window, 'Notification', real);
  else delete (window as { Notification?: unknown }).Notification;
});

describe('turning notifications on', () => {
  it('is off until asked, on once the browser grants it, and remembered', async () => {
    expect(notificationSetting()).toBe('off');
    expect(await turnOnNotifications()).toBe('on');
    expect(localStorage.getItem(NOTIFICATIONS_KEY)).toBe('on');
    expect(notificationSetting()).toBe('on');
  });

  it('stays off when permission was granted for another reason but the person never asked here', () => {
    FakeNotification.permission = 'granted';
    expect(notificationSetting()).toBe('off');
  });

  it('says blocked when the browser refuses, and can be turned off again', async () => {
    answer = 'denied';
    expect(await turnOnNotifications()).toBe('blocked');
    FakeNotification.permission = 'granted';
    localStorage.setItem(NOTIFICATIONS_KEY, 'on');
    expect(turnOffNotifications()).toBe('off');
  });

  it('is unsupported where the browser has no Notification API', () => {
    delete (window as { Notification?: unknown }).Notification;
    expect(notificationSetting()).toBe('unsupported');
  });
});

describe('showing one', () => {
  it('shows sender and line, and a click hands the message to open and closes it', () => {
    FakeNotification.permission = 'granted';
    const opened: number[] = [];
    showNotification(
      {
        messageId: 42,
        title: 'omar mentioned you',
        body: '@nina the deploy failed',
        tag: 'opencode-slack-message-42',
      },
      (id) => opened.push(id),
    );
    expect(shown.map((s) => [s.title, s.options?.body, s.options?.tag])).toEqual([
      ['omar mentioned you', '@nina the deploy failed', 'opencode-slack-message-42'],
    ]);
    shown[0]?.instance.onclick?.();
    expect(opened).toEqual([42]);
    expect(shown[0]?.instance.closed).toBe(true);
  });

  it('shows nothing without permission', () => {
    showNotification({ messageId: 1, title: 't', body: 'b', tag: 'x' }, () => undefined);
    expect(shown).toEqual([]);
  });
});
