// Which agent task each chat message belongs to (the message that asked for it and the agent's replies to it),
// refreshed whenever an agent's status changes.
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
      .map((u) => `${u.name}:${u.status}:${u.task}`)
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

  return useCallback(
    (message: Message) => {
      const own = byMessage.get(message.id);
      if (own) return own;
      if (message.senderKind !== 'agent' || message.replyTo === null) return undefined;
      const asked = byMessage.get(message.replyTo);
      return asked?.employee === message.sender ? asked : undefined;
    },
    [byMessage],
  );
}
