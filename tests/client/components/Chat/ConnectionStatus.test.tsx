// @vitest-environment happy-dom
// The connection state as people read it, and as tests select it (data-state).
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStatus, connectionLabel } from '../../../../src/client/components/Chat/ConnectionStatus';
import { TypingIndicator } from '../../../../src/client/components/Chat/TypingIndicator';
import { useChatStore } from '../../../../src/client/stores/chatStore';

afterEach(() => {
  cleanup();
  useChatStore.getState().reset();
});

describe('ConnectionStatus', () => {
  it('labels every state, with the seconds until the next attempt', () => {
    expect(connectionLabel('connected', null, 0)).toBe('Connected');
    expect(connectionLabel('connecting', null, 0)).toBe('Connecting…');
    expect(connectionLabel('reconnecting', 4_200, 1_000)).toBe('Reconnecting in 4 s');
    expect(connectionLabel('reconnecting', null, 1_000)).toBe('Reconnecting…');
    expect(connectionLabel('offline', null, 0)).toBe('Offline');
  });

  it('follows the store', () => {
    const { getByTestId } = render(<ConnectionStatus />);
    act(() => useChatStore.getState().setConnection('connected'));
    expect(getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
    act(() => useChatStore.getState().setConnection('reconnecting', Date.now() + 2_500));
    expect(getByTestId('connection-status').getAttribute('data-state')).toBe('reconnecting');
    expect(getByTestId('connection-status').textContent).toMatch(/Reconnecting in [23] s/);
  });
});

describe('TypingIndicator', () => {
  it('names who is typing', () => {
    const { getByTestId } = render(<TypingIndicator />);
    expect(getByTestId('typing-indicator').textContent).toBe('');
    act(() => useChatStore.getState().applyActivity({ type: 'typing', user: 'bob', isTyping: true, at: '' }));
    expect(getByTestId('typing-indicator').textContent).toBe('bob is typing…');
  });
});
