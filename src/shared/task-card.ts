// What a task's live view shows (the web card, the Telegram task message), folded from its timeline entries one
// at a time; pure, so server and client share it and it is tested without a browser.
import type { TaskEvent, TaskUpdate, TokenCounts } from './task-timeline';

type Of<K extends TaskEvent['kind']> = Extract<TaskEvent, { kind: K }>;

export interface CardTool {
  callId: string;
  tool: string;
  state: Of<'tool'>['state'];
  title: string | null;
  error: string | null;
}

export interface TaskCardState {
  status: string | null;
  reason: string | null;
  /** What the agent is doing now: the running tool's title, else its latest text or output line. */
  step: string | null;
  /** The most recent tool calls (at most RECENT_TOOLS), oldest first, each in its latest state. */
  tools: CardTool[];
  todos: Of<'todo'>['todos'];
  /** The result's totals once there is one, else the sum over finished steps. */
  tokens: TokenCounts | null;
  cost: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  retry: Of<'retry'> | null;
  /** Questions and permission requests nobody has answered yet. */
  asks: Of<'ask'>[];
  /** Settled asks: who answered what (null: nobody, in time). */
  answered: Of<'answered'>[];
  result: Of<'result'> | null;
  /** The task's git branch as it stands now (its latest `branch` entry): review, merge, discard. */
  branch: Of<'branch'> | null;
  lastId: number;
  stepTokens: TokenCounts | null;
  stepCost: number | null;
}

export const RECENT_TOOLS = 6;

export function emptyCard(): TaskCardState {
  return {
    status: null,
    reason: null,
    step: null,
    tools: [],
    todos: [],
    tokens: null,
    cost: null,
    startedAt: null,
    finishedAt: null,
    retry: null,
    asks: [],
    answered: [],
    result: null,
    branch: null,
    lastId: 0,
    stepTokens: null,
    stepCost: null,
  };
}

const addTokens = (a: TokenCounts | null, b: TokenCounts): TokenCounts =>
  a
    ? {
        input: a.input + b.input,
        output: a.output + b.output,
        reasoning: a.reasoning + b.reasoning,
        cacheRead: a.cacheRead + b.cacheRead,
        cacheWrite: a.cacheWrite + b.cacheWrite,
      }
    : b;

/** The state after one more update (a new object; `state` is not changed). */
export function applyUpdate(state: TaskCardState, { id, at, event: e }: TaskUpdate): TaskCardState {
  const s: TaskCardState = { ...state, lastId: Math.max(state.lastId, id) };
  switch (e.kind) {
    case 'status':
      s.status = e.status;
      s.reason = e.reason;
      if (e.status === 'running' && !s.startedAt) s.startedAt = at;
      break;
    case 'tool': {
      // A call that changed state moves to the end: the list reads as "most recently active last".
      const tool = { callId: e.callId, tool: e.tool, state: e.state, title: e.title, error: e.error };
      s.tools = [...s.tools.filter((t) => t.callId !== e.callId), tool].slice(-RECENT_TOOLS);
      if (e.state === 'running' || e.state === 'pending') s.step = e.title ?? e.tool;
      s.retry = null;
      break;
    }
    case 'text':
      s.step = e.text.split('\n').find((l) => l.trim()) ?? s.step;
      break;
    case 'output':
      s.step = e.line;
      break;
    case 'todo':
      s.todos = e.todos;
      break;
    case 'retry':
      s.retry = e;
      break;
    case 'step':
      s.stepTokens = addTokens(s.stepTokens, e.tokens);
      s.stepCost = (s.stepCost ?? 0) + e.cost;
      s.retry = null;
      break;
    case 'ask':
      s.asks = [...s.asks.filter((a) => a.askId !== e.askId), e];
      break;
    case 'answered':
      s.asks = s.asks.filter((a) => a.askId !== e.askId);
      s.answered = [...s.answered, e];
      break;
    case 'help':
      break;
    case 'branch':
      s.branch = e;
      break;
    case 'result':
      s.result = e;
      s.finishedAt = at;
      s.asks = [];
      s.retry = null;
      break;
  }
  s.tokens = s.result?.tokens ?? s.stepTokens;
  s.cost = s.result?.cost ?? s.stepCost;
  return s;
}

/** Folds `updates` (id order) into the view's state. */
export function cardState(updates: readonly TaskUpdate[]): TaskCardState {
  return updates.reduce(applyUpdate, emptyCard());
}

/** The status to show: the result's once there is one. */
export function shownStatus(state: TaskCardState, fallback: string): string {
  return state.result ? state.result.status : (state.status ?? fallback);
}

/** Elapsed milliseconds: the result's duration, else from the start to the end (or to `now`). */
export function elapsedMs(state: TaskCardState, now: number): number | null {
  if (state.result?.durationMs != null) return state.result.durationMs;
  if (!state.startedAt) return null;
  return (state.finishedAt ? Date.parse(state.finishedAt) : now) - Date.parse(state.startedAt);
}

/** "42 s", "3 min 5 s", "1 h 2 min". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${sec} s`;
  return `${sec} s`;
}

export function formatTokens(tokens: TokenCounts): string {
  const n = tokens.input + tokens.output + tokens.reasoning;
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k tokens` : `${n} tokens`;
}
