// @vitest-environment happy-dom
// The people list: online and offline people apart while connected; while the connection is down everyone's
// presence is unknown (one greyed list and a note), not the last "online" that may be long out of date.
import { cleanup, render, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserList } from '../../../../src/client/components/Chat/UserList';
import { useChatStore } from '../../../../src/client/stores/chatStore';
import type { PresenceEntry } from '../../../../src/shared/activity';

const users: PresenceEntry[] = [
  { name: 'ann', kind: 'user', online: true, connections: 1, since: '' },
  { name: 'bob', kind: 'user', online: false, connections: 0, since: '' },
  { name: 'ada', kind: 'agent', online: true, connections: 0, since: '', status: 'idle', role: 'developer' },
];

beforeEach(() => useChatStore.getState().reset());
afterEach(cleanup);

describe('UserList', () => {
  it('shows who is online and who is not while connected', () => {
    useChatStore.getState().setConnection('connected');
    const { getByTestId, getByRole, queryByTestId } = render(<UserList users={users} me="ann" />);
    expect(getByTestId('user-list').getAttribute('data-presence')).toBe('known');
    expect(within(getByRole('region', { name: 'Online' })).getByText('ann')).toBeTruthy();
    expect(within(getByRole('region', { name: 'Offline' })).getByText('bob')).toBeTruthy();
    expect(queryByTestId('presence-unknown')).toBeNull();
  });

  it('marks everyone\'s presence unknown while reconnecting or offline, and not "online"', () => {
    for (const state of ['reconnecting', 'offline'] as const) {
      useChatStore.getState().setConnection(state);
      const { getByTestId, queryByRole, container, unmount } = render(<UserList users={users} me="ann" />);
      expect(getByTestId('user-list').getAttribute('data-presence')).toBe('unknown');
      expect(getByTestId('presence-unknown').textContent).toMatch(/unknown/);
      expect(queryByRole('region', { name: 'Online' })).toBeNull();
      expect(queryByRole('region', { name: 'Offline' })).toBeNull();
      const people = [...container.querySelectorAll('li[data-online]')];
      expect(people.map((li) => [li.getAttribute('data-user'), li.getAttribute('data-online')])).toEqual([
        ['ann', 'unknown'],
        ['bob', 'unknown'],
      ]);
      unmount();
    }
  });
});
