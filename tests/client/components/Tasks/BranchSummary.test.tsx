// @vitest-environment happy-dom
// The branch on the task card: actions only for the assigner and admins, not while the task runs, Discard only
// after a confirmation, and "Ask <agent> to resolve it" queued as a reply to the task's message. The network edge
// is a tRPC link that never answers (no request is expected to finish here).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { createTRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { afterEach, describe, expect, it } from 'vitest';
import { BranchSummary } from '../../../../src/client/components/Tasks/BranchSummary';
import type { Task } from '../../../../src/client/lib/api-types';
import { useChatStore } from '../../../../src/client/stores/chatStore';
import { trpc } from '../../../../src/client/trpc';
import type { AppRouter } from '../../../../src/server/trpc/root';
import type { BranchEvent } from '../../../../src/shared/task-branch';

const sent: string[] = [];
const silent: TRPCLink<AppRouter> =
  () =>
  ({ op }) =>
    observable(() => {
      sent.push(op.path);
    });

afterEach(() => {
  cleanup();
  useChatStore.getState().reset();
  sent.length = 0;
});

const task = { id: 7, employee: 'ada', assignedBy: 'alice', messageId: 41 } as Task;
const branch: BranchEvent = {
  kind: 'branch',
  state: 'open',
  branch: 'agent/ada/7-login',
  base: 'main',
  commit: 'abc1234',
  files: [{ path: 'src/login.ts', additions: 3, deletions: 1 }],
  by: null,
  mergeCommit: null,
  conflicts: [],
};

function show(me: string, role: 'user' | 'admin', b: BranchEvent, running = false) {
  useChatStore.getState().setMe({ id: me, role });
  const client = createTRPCClient<AppRouter>({ links: [silent] });
  const queryClient = new QueryClient();
  return render(
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <BranchSummary task={task} branch={b} running={running} />
      </QueryClientProvider>
    </trpc.Provider>,
  );
}

describe('BranchSummary', () => {
  it('gives the assigner Review, Merge and Discard, disabled while the task runs', () => {
    const { getByTestId } = show('alice', 'user', branch, true);
    expect(getByTestId('task-branch-files').textContent).toBe('src/login.ts+3-1');
    expect((getByTestId('task-card-merge') as HTMLButtonElement).disabled).toBe(true);
    expect((getByTestId('task-card-discard') as HTMLButtonElement).disabled).toBe(true);
    expect((getByTestId('task-card-review') as HTMLButtonElement).disabled).toBe(false);
    cleanup();
    const done = show('alice', 'user', branch, false);
    expect((done.getByTestId('task-card-merge') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows others the branch without actions, and admins the actions', () => {
    const other = show('bob', 'user', { ...branch, state: 'conflict', conflicts: ['src/login.ts'] });
    expect(other.getByTestId('task-branch-conflicts').textContent).toContain('src/login.ts');
    expect(other.queryByTestId('task-card-merge')).toBeNull();
    expect(other.queryByTestId('task-card-review')).toBeNull();
    expect(other.queryByTestId('task-branch-resolve')).toBeNull();
    cleanup();
    expect(show('root', 'admin', branch).queryByTestId('task-card-merge')).not.toBeNull();
  });

  it('offers no actions once merged or discarded', () => {
    const merged = show('alice', 'user', {
      ...branch,
      state: 'merged',
      by: 'alice',
      mergeCommit: 'def5678aa',
    });
    expect(merged.getByTestId('task-branch-state').textContent).toContain(
      'merged into main by alice (def5678)',
    );
    expect(merged.queryByTestId('task-card-merge')).toBeNull();
    expect(merged.queryByTestId('task-card-review')).toBeNull();
  });

  it('discards only after the confirmation', async () => {
    const { getByTestId, getByRole, queryByTestId } = show('alice', 'user', branch);
    fireEvent.click(getByTestId('task-card-discard'));
    fireEvent.click(getByRole('button', { name: 'Keep it' }));
    expect(sent).toEqual([]);
    fireEvent.click(getByTestId('task-card-discard'));
    expect(queryByTestId('task-card-merge')).toBeNull();
    fireEvent.click(getByTestId('task-card-discard-confirm'));
    await waitFor(() => expect(sent).toEqual(['tasks.discard']));
  });

  it('queues "@ada resolve …" as a reply to the task message', () => {
    const { getByTestId } = show('alice', 'user', {
      ...branch,
      state: 'conflict',
      conflicts: ['src/login.ts'],
    });
    fireEvent.click(getByTestId('task-branch-resolve'));
    const [pending] = useChatStore.getState().pending;
    expect(pending).toMatchObject({
      text: '@ada resolve the merge conflict with main in src/login.ts',
      replyTo: 41,
      sender: 'alice',
    });
    expect(getByTestId('task-branch-asked').textContent).toContain('Asked ada');
  });
});
