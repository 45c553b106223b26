// Folding a task's timeline into what its live views (web card, Telegram message) show.
import { describe, expect, it } from 'vitest';
import { cardState, formatElapsed, RECENT_TOOLS } from '../../src/shared/task-card';
import type { TaskEvent, TaskUpdate } from '../../src/shared/task-timeline';

let id = 0;
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 0, 0, s)).toISOString();
const u = (event: TaskEvent, second = id): TaskUpdate => ({
  id: ++id,
  taskId: 1,
  employee: 'ada',
  at: at(second),
  event,
});
const tool = (
  callId: string,
  state: 'pending' | 'running' | 'completed' | 'error',
  title: string,
): TaskEvent => ({
  kind: 'tool',
  callId,
  tool: 'bash',
  state,
  title,
  input: null,
  output: null,
  error: state === 'error' ? 'exit 1' : null,
});
const tokens = { input: 100, output: 20, reasoning: 0, cacheRead: 0, cacheWrite: 0 };

describe('task card state', () => {
  it('keeps each tool call once, in its latest state, and the running one as the current step', () => {
    const s = cardState([
      u({ kind: 'status', status: 'running', reason: null }, 0),
      u(tool('a', 'pending', 'Read foo.ts')),
      u(tool('a', 'completed', 'Read foo.ts')),
      u(tool('b', 'running', 'npm test')),
    ]);
    expect(s.tools.map((t) => [t.callId, t.state])).toEqual([
      ['a', 'completed'],
      ['b', 'running'],
    ]);
    expect(s.step).toBe('npm test');
    expect(s.status).toBe('running');
    expect(s.startedAt).toBe(at(0));
  });

  it(`shows only the ${RECENT_TOOLS} most recent tool calls`, () => {
    const s = cardState(Array.from({ length: 10 }, (_, i) => u(tool(`c${i}`, 'completed', `t${i}`))));
    expect(s.tools.map((t) => t.title)).toEqual(['t4', 't5', 't6', 't7', 't8', 't9']);
  });

  it('sums tokens and cost over steps, and a result replaces them with its totals', () => {
    const steps = [u({ kind: 'step', tokens, cost: 0.01 }), u({ kind: 'step', tokens, cost: 0.02 })];
    expect(cardState(steps)).toMatchObject({ tokens: { input: 200, output: 40 }, cost: 0.03 });
    const done = cardState([
      ...steps,
      u({
        kind: 'result',
        status: 'done',
        summary: 'ok',
        files: [],
        tokens: { ...tokens, input: 7 },
        cost: 1,
        durationMs: 5,
      }),
    ]);
    expect(done).toMatchObject({ tokens: { input: 7 }, cost: 1, result: { status: 'done' } });
  });

  it('lists an ask until it is answered, and a retry until the next step', () => {
    const ask: TaskEvent = {
      kind: 'ask',
      askId: 'q1',
      ask: 'permission',
      text: 'run rm?',
      options: [],
      messageId: 9,
    };
    const open = cardState([u(ask), u({ kind: 'retry', attempt: 2, message: 'rate limited', nextAt: null })]);
    expect(open.asks.map((a) => a.askId)).toEqual(['q1']);
    expect(open.retry?.attempt).toBe(2);
    const settled = cardState([
      u(ask),
      u({ kind: 'retry', attempt: 2, message: 'rate limited', nextAt: null }),
      u({ kind: 'answered', askId: 'q1', by: 'carol', answer: 'allow' }),
      u({ kind: 'step', tokens, cost: 0 }),
    ]);
    expect(settled.asks).toEqual([]);
    expect(settled.answered).toEqual([{ kind: 'answered', askId: 'q1', by: 'carol', answer: 'allow' }]);
    expect(settled.retry).toBeNull();
  });

  it('takes the todo list whole from its latest entry, and output lines as steps in command mode', () => {
    const s = cardState([
      u({ kind: 'todo', todos: [{ content: 'a', status: 'pending' }] }),
      u({
        kind: 'todo',
        todos: [
          { content: 'a', status: 'completed' },
          { content: 'b', status: 'in_progress' },
        ],
      }),
      u({ kind: 'output', stream: 'stdout', line: 'compiling' }),
    ]);
    expect(s.todos).toHaveLength(2);
    expect(s.step).toBe('compiling');
  });

  it('formats elapsed time for people', () => {
    expect(formatElapsed(42_400)).toBe('42 s');
    expect(formatElapsed(185_000)).toBe('3 min 5 s');
    expect(formatElapsed(3_720_000)).toBe('1 h 2 min');
  });
});
