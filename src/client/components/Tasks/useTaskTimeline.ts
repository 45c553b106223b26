// Task timelines on the client: one tasks.onUpdate subscription for every card (mounted once by the chat), each
// card's stored history read once the subscription is live, both merged by id into one small store.
import { useEffect } from 'react';
import { create } from 'zustand';
import type { TaskUpdate } from '../../../shared/task-timeline';
import { trpc } from '../../trpc';

/** Per task, at most this many entries are kept: older output lines go first (status, asks, result stay). */
export const KEEP_PER_TASK = 1500;
const HISTORY_PAGES = 20;

interface TimelineState {
  byTask: Record<number, TaskUpdate[]>;
  /**
   * Per git branch, its latest `branch` entry from any task: a continuation of a task works on the same branch, so
   * the first task's card follows what happened to the branch later (resolved, merged) instead of going stale.
   */
  branches: Record<string, TaskUpdate>;
  /** The subscription has told its position: a history read now cannot miss what happens next. */
  live: boolean;
  add(updates: TaskUpdate[]): void;
  setLive(live: boolean): void;
}

function merge(current: TaskUpdate[] | undefined, incoming: TaskUpdate[]): TaskUpdate[] {
  const last = current?.[current.length - 1]?.id ?? 0;
  let next: TaskUpdate[];
  if (!current) next = [...incoming].sort((a, b) => a.id - b.id);
  else if ((incoming[0]?.id ?? 0) > last) next = [...current, ...incoming];
  else {
    const seen = new Set(current.map((u) => u.id));
    next = [...current, ...incoming.filter((u) => !seen.has(u.id))].sort((a, b) => a.id - b.id);
  }
  if (next.length <= KEEP_PER_TASK) return next;
  let drop = next.length - KEEP_PER_TASK;
  return next.filter((u) => {
    if (drop > 0 && (u.event.kind === 'output' || u.event.kind === 'text')) {
      drop -= 1;
      return false;
    }
    return true;
  });
}

export const useTimelineStore = create<TimelineState>((set) => ({
  byTask: {},
  branches: {},
  live: false,
  add(updates) {
    if (updates.length === 0) return;
    set((state) => {
      const groups = new Map<number, TaskUpdate[]>();
      for (const u of updates) groups.set(u.taskId, [...(groups.get(u.taskId) ?? []), u]);
      const byTask = { ...state.byTask };
      for (const [taskId, list] of groups) byTask[taskId] = merge(byTask[taskId], list);
      let branches = state.branches;
      for (const u of updates) {
        if (u.event.kind !== 'branch' || (branches[u.event.branch]?.id ?? 0) >= u.id) continue;
        if (branches === state.branches) branches = { ...branches };
        branches[u.event.branch] = u;
      }
      return { byTask, branches };
    });
  },
  setLive(live) {
    set({ live });
  },
}));

/**
 * The one subscription. tRPC resumes it after a reconnect from the last tracked id (no gap, no duplicate);
 * `onUnknownTask` is told about tasks this client has not listed yet (a new task was just queued).
 */
export function useTaskTimelineFeed(onUnknownTask?: (taskId: number) => void): void {
  const setLive = useTimelineStore((s) => s.setLive);
  useEffect(() => () => setLive(false), [setLive]);
  trpc.tasks.onUpdate.useSubscription(
    {},
    {
      onData(frame) {
        const { updates } = frame.data;
        const known = useTimelineStore.getState().byTask;
        for (const u of updates) if (!(u.taskId in known)) onUnknownTask?.(u.taskId);
        useTimelineStore.getState().add(updates);
        if (!useTimelineStore.getState().live) setLive(true);
      },
    },
  );
}

/** A task's entries: its stored history (read once the feed is live), then whatever the feed brings. */
export function useTaskTimeline(taskId: number): TaskUpdate[] {
  const live = useTimelineStore((s) => s.live);
  const updates = useTimelineStore((s) => s.byTask[taskId]);
  const utils = trpc.useUtils();
  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    void (async () => {
      let after = 0;
      for (let page = 0; page < HISTORY_PAGES && !cancelled; page++) {
        const read = await utils.client.tasks.timeline.query({ taskId, after }).catch(() => null);
        if (!read || cancelled) return;
        useTimelineStore.getState().add(read.updates);
        if (read.nextAfter === null) return;
        after = read.nextAfter;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [live, taskId, utils]);
  return updates ?? EMPTY;
}

const EMPTY: TaskUpdate[] = [];
