// Which chat message carries a task's live card: the task's own message (the agent's talk, acknowledgement
// included, lives in that message's thread), or for tasks from before threads the agent's acknowledgement in the
// main list, i.e. its first reply there to the message that asked for the task. Tasks come from tasks.list (shared with the badges' query), refreshed when the timeline
// feed mentions a task this list does not have yet.
import { useCallback, useMemo } from 'react';
import type { Message } from '../../../shared/message';
import type { Task } from '../../lib/api-types';
import { useChatStore } from '../../stores/chatStore';
import { trpc } from '../../trpc';
import { useTaskTimelineFeed } from './useTaskTimeline';

export function useTaskCards(): (message: Message) => Task | undefined {
  const utils = trpc.useUtils();
  const tasks = trpc.tasks.list.useQuery({ limit: 500 }, { staleTime: 30_000 });
  const listed = useMemo(() => new Set((tasks.data ?? []).map((t) => t.id)), [tasks.data]);
  useTaskTimelineFeed((taskId) => {
    if (!listed.has(taskId)) void utils.tasks.list.invalidate();
  });

  const byAsk = useMemo(() => {
    const map = new Map<number, Task>();
    for (const task of [...(tasks.data ?? [])].reverse())
      if (task.messageId !== null) map.set(task.messageId, task);
    return map;
  }, [tasks.data]);

  // Ack message id -> task: the lowest-id reply from the task's agent to the asking message.
  const messages = useChatStore((s) => s.messages);
  const byAck = useMemo(() => {
    const map = new Map<number, Task>();
    const firstReply = new Map<number, number>();
    for (const m of Object.values(messages)) {
      if (m.senderKind !== 'agent' || m.replyTo === null) continue;
      const task = byAsk.get(m.replyTo);
      if (!task || task.employee !== m.sender) continue;
      const seen = firstReply.get(task.id);
      if (seen === undefined || m.id < seen) firstReply.set(task.id, m.id);
    }
    for (const [taskId, messageId] of firstReply) {
      const task = tasks.data?.find((t) => t.id === taskId);
      if (task) map.set(messageId, task);
    }
    for (const [messageId, task] of byAsk) if (!firstReply.has(task.id)) map.set(messageId, task);
    return map;
  }, [messages, byAsk, tasks.data]);

  return useCallback((message: Message) => byAck.get(message.id), [byAck]);
}
