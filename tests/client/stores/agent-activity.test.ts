// Regressions (issue 14): a hired agent showed no role until a reload, and a failed task left its agent "idle"
// with no sign of it. The store now takes both from the live activity events.
import { beforeEach, describe, expect, it } from 'vitest';
import { useChatStore } from '../../../src/client/stores/chatStore';

const store = () => useChatStore.getState();
const at = '2026-12-02T02:00:00.000Z';

beforeEach(() => store().reset());

describe('agents in the chat store', () => {
  it('shows the role of an agent hired a moment ago', () => {
    store().applyActivity({
      type: 'presence',
      user: 'ada',
      kind: 'agent',
      online: true,
      at,
      role: 'designer',
    });
    store().applyActivity({ type: 'agent-status', agent: 'ada', status: 'idle', task: null, at });
    expect(store().users.ada).toMatchObject({ role: 'designer', status: 'idle', online: true });
  });

  it('keeps a failed task on its agent until a status event clears it', () => {
    store().setUsers([
      { name: 'ada', kind: 'agent', online: true, connections: 0, since: at, status: 'working', role: 'dev' },
    ]);
    store().applyActivity({
      type: 'agent-status',
      agent: 'ada',
      status: 'idle',
      task: null,
      at,
      failedTask: 7,
    });
    expect(store().users.ada).toMatchObject({ status: 'idle', failedTask: 7, role: 'dev' });
    // Events without the field (an older server) leave it as it was.
    store().applyActivity({ type: 'agent-status', agent: 'ada', status: 'idle', task: null, at });
    expect(store().users.ada?.failedTask).toBe(7);
    store().applyActivity({
      type: 'agent-status',
      agent: 'ada',
      status: 'working',
      task: 'x',
      at,
      failedTask: null,
    });
    expect(store().users.ada).toMatchObject({ status: 'working', failedTask: null });
  });
});
