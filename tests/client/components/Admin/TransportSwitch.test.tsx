// @vitest-environment happy-dom
// Regression (issue 14): "Use telegram" was offered while Telegram was not configured, a button that could only
// fail; now it is offered only with a bot configured, and its absence is explained.
import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportSwitch } from '../../../../src/client/components/Admin/TransportSwitch';
import type { RouterOutputs } from '../../../../src/client/lib/api-types';

afterEach(cleanup);

type Info = RouterOutputs['communication']['info'];

function info(configured: boolean): Info {
  const people = { connections: 1, users: ['root'], connected: true };
  return {
    type: 'websocket',
    connected: true,
    detectedBy: 'default',
    reason: null,
    switchedAt: null,
    transports: {
      websocket: people,
      legacy: { ...people, connections: 0, users: [], path: '/legacy' },
      telegram: {
        configured,
        running: configured,
        connected: false,
        botUsername: null,
        chatId: configured ? '-100' : null,
        lastUpdateAt: null,
        lastPollAt: null,
        lastSentAt: null,
        outboxDepth: null,
        lastError: null,
        lastErrorAt: null,
        rateLimitHits: 0,
        duplicateUpdatesIgnored: 0,
      },
    },
  };
}

describe('TransportSwitch', () => {
  it('does not offer Telegram while the server has no bot, and says what to set', () => {
    const { queryByTestId, getByTestId } = render(
      <TransportSwitch info={info(false)} pending={false} onSwitch={() => {}} />,
    );
    expect(queryByTestId('switch-telegram')).toBeNull();
    expect(getByTestId('switch-websocket').getAttribute('aria-pressed')).toBe('true');
    expect(getByTestId('telegram-unavailable').textContent).toContain(
      'TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID',
    );
  });

  it('offers Telegram once configured, and switches to it', () => {
    const onSwitch = vi.fn();
    const { getByTestId, queryByTestId } = render(
      <TransportSwitch info={info(true)} pending={false} onSwitch={onSwitch} />,
    );
    expect(queryByTestId('telegram-unavailable')).toBeNull();
    fireEvent.click(getByTestId('switch-telegram'));
    expect(onSwitch).toHaveBeenCalledWith('telegram');
  });
});
