// Which chat message carries a task's badge: the message that asked for it, once (the agent's replies to it are
// the same task and get no badge of their own). The task list is refreshed whenever an agent's status changes,
// which includes a task that fails before it ever runs (the agent's failedTask), so the badge follows live.
import { useCallback, useEffect, useMemo } from 'react';
import type { Message } from '../../../shared/message';
import type { Task } from '../../lib/api-types';
import { useChatStore } from '../../stores/chatStore';
import { trpc } from '../../trpc';

export function useTaskIndex(): (message: Message) => Task | undefined {
  const utils = trpc.useUtils();
  const tasks = trpc.tasks.list.useQuery({ limit: 500 }, { staleTime: 30_000 });
  const agentKey = useChatStore((s) =>
    Object.values(s.users)
      .filter((u) => u.kind === 'agent')
      .map((u) => `${u.name}:${u.status}:${u.task}:${u.failedTask ?? ''}`)
      .join('|'),
  );
  useEffect(() => {
    if (agentKey) void utils.tasks.list.invalidate();
  }, [agentKey, utils]);

  const byMessage = useMemo(() => {
    const map = new Map<number, Task>();
    // Oldest first, so a message that started several tasks links the newest.
    for (const task of [...(tasks.data ?? [])].reverse())
      if (task.messageId !== null) map.set(task.messageId, task);
    return map;
  }, [tasks.data]);

  return useCallback((message: Message) => byMessage.get(message.id), [byMessage]);
}
