// The Telegram task message's branch section and keyboard: the branch, where it stands, its diffstat (escaped, at
// most ten files), and Merge / Discard only while the branch can still be merged.
import { describe, expect, it } from 'vitest';
import {
  parseBranchCallback,
  renderTaskMessage,
  taskKeyboard,
} from '../../../../src/server/transports/telegram/task-message-format';
import { cardState } from '../../../../src/shared/task-card';
import type { TaskEvent, TaskUpdate } from '../../../../src/shared/task-timeline';

const header = { id: 42, employee: 'ada', description: 'login form', status: 'done' };
const at = '2026-12-02T05:00:00.000Z';
const result: TaskEvent = {
  kind: 'result',
  status: 'done',
  summary: 'Added the form.',
  files: [{ path: 'worker-list.ts', additions: 1, deletions: 0 }],
  tokens: null,
  cost: null,
  durationMs: 1000,
};

function branch(over: Partial<Extract<TaskEvent, { kind: 'branch' }>>): TaskEvent {
  return {
    kind: 'branch',
    state: 'open',
    branch: 'agent/ada/42-login-form',
    base: 'main',
    commit: 'abcdef0123456789',
    files: [{ path: 'src/<login>.ts', additions: 12, deletions: 3 }],
    by: null,
    mergeCommit: null,
    conflicts: [],
    ...over,
  };
}

const card = (...events: TaskEvent[]) =>
  cardState(events.map((event, i): TaskUpdate => ({ id: i + 1, taskId: 42, employee: 'ada', at, event })));
const buttons = (c: ReturnType<typeof card>) => taskKeyboard(42, c).flat();

describe('Telegram task message: the branch', () => {
  it('shows the branch, its base, that it is open and its diffstat (escaped) instead of the worker’s file list', () => {
    const html = renderTaskMessage(header, card(result, branch({})), Date.now());
    expect(html).toContain('🌿 <code>agent/ada/42-login-form</code> → <code>main</code>');
    expect(html).toContain('🟢 open');
    expect(html).toContain('<code>src/&lt;login&gt;.ts</code> +12 −3');
    expect(html).not.toContain('worker-list.ts');
  });

  it('names at most ten files of a large diff, then how many more', () => {
    const files = Array.from({ length: 14 }, (_, i) => ({ path: `f${i}.ts`, additions: i, deletions: 1 }));
    const html = renderTaskMessage(header, card(result, branch({ files })), Date.now());
    expect(html).toContain('<code>f9.ts</code> +9 −1');
    expect(html).not.toContain('f10.ts');
    expect(html).toContain('and 4 more');
  });

  it('says who merged it and how, or who discarded it', () => {
    const merged = branch({ state: 'merged', by: 'tg_carol', mergeCommit: 'abcdef0123456789' });
    expect(renderTaskMessage(header, card(result, merged), 0)).toContain(
      '🟣 merged by tg_carol (fast-forward <code>abcdef0123</code>)',
    );
    const commit = branch({ state: 'merged', by: 'root', mergeCommit: '99990000aaaabbbb' });
    expect(renderTaskMessage(header, card(result, commit), 0)).toContain(
      '(merge commit <code>99990000aa</code>)',
    );
    const gone = branch({ state: 'discarded', by: 'a<b>' });
    expect(renderTaskMessage(header, card(result, gone), 0)).toContain('🗑 discarded by a&lt;b&gt;');
  });

  it('names the files in conflict', () => {
    const html = renderTaskMessage(
      header,
      card(result, branch({ state: 'conflict', conflicts: ['a.ts', 'b&c.ts'] })),
      0,
    );
    expect(html).toContain('⚠️ conflict with main in <code>a.ts</code>, <code>b&amp;c.ts</code>');
  });

  it('offers Merge and Discard while the branch is open or in conflict, and not once settled or empty', () => {
    for (const state of ['open', 'conflict'] as const)
      expect(buttons(card(result, branch({ state }))).map((b) => b.text)).toEqual(['🔀 Merge', '🗑 Discard']);
    for (const state of ['merged', 'discarded', 'empty'] as const)
      expect(buttons(card(result, branch({ state })))).toEqual([]);
    expect(buttons(card(result))).toEqual([]);
  });

  it('names the task and the action in the callback data, and reads it back', () => {
    const [merge, discard] = buttons(card(result, branch({})));
    const data = [merge, discard].map((b) => (b as { callback_data: string }).callback_data);
    expect(data.map(parseBranchCallback)).toEqual([
      { taskId: 42, action: 'merge' },
      { taskId: 42, action: 'discard' },
    ]);
    expect(parseBranchCallback('branch|42|rebase')).toBeNull();
    expect(parseBranchCallback('ask|42|x|allow')).toBeNull();
  });
});
