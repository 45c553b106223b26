// The timeline store's per-branch index: a card whose branch a later task (a continuation) went on with shows what
// happened to the branch since (resolved, merged), whichever task's entry said it, in any arrival order.
import { afterEach, describe, expect, it } from 'vitest';
import { useTimelineStore } from '../../../../src/client/components/Tasks/useTaskTimeline';
import type { BranchState } from '../../../../src/shared/task-branch';
import type { TaskUpdate } from '../../../../src/shared/task-timeline';

afterEach(() => useTimelineStore.setState({ byTask: {}, branches: {}, live: false }));

const entry = (id: number, taskId: number, state: BranchState, branch = 'agent/bo/2-notes'): TaskUpdate => ({
  id,
  taskId,
  employee: 'bo',
  at: '2026-12-02T06:00:00.000Z',
  event: {
    kind: 'branch',
    state,
    branch,
    base: 'main',
    commit: 'abc',
    files: [],
    by: null,
    mergeCommit: null,
    conflicts: [],
  },
});

const stateOf = (branch: string) => {
  const u = useTimelineStore.getState().branches[branch];
  return u?.event.kind === 'branch' ? [u.taskId, u.event.state] : null;
};

describe('branches in the timeline store', () => {
  it('keeps the latest entry per branch across tasks', () => {
    const { add } = useTimelineStore.getState();
    add([entry(10, 2, 'open'), entry(12, 2, 'conflict')]);
    expect(stateOf('agent/bo/2-notes')).toEqual([2, 'conflict']);
    add([entry(20, 3, 'open')]);
    expect(stateOf('agent/bo/2-notes')).toEqual([3, 'open']);
    add([entry(25, 3, 'merged'), { ...entry(26, 4, 'open', 'agent/ada/4-other') }]);
    expect(stateOf('agent/bo/2-notes')).toEqual([3, 'merged']);
    expect(stateOf('agent/ada/4-other')).toEqual([4, 'open']);
  });

  it('does not let an older entry read later (a card history) win', () => {
    const { add } = useTimelineStore.getState();
    add([entry(25, 3, 'merged')]);
    const before = useTimelineStore.getState().branches;
    add([entry(10, 2, 'open'), entry(12, 2, 'conflict')]);
    expect(stateOf('agent/bo/2-notes')).toEqual([3, 'merged']);
    // Nothing newer: the same object, so cards do not re-render for nothing.
    expect(useTimelineStore.getState().branches).toBe(before);
  });
});
