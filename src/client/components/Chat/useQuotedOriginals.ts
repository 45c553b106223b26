// Fetches, with chat.get, the originals of quoted messages whose page is not loaded, so every quote can show
// its sender and first line (a reply to message #1 of thousands included).
import { useEffect, useRef } from 'react';
import { MAX_GET_IDS } from '../../../shared/limits';
import type { ChatConnection } from '../../lib/chat-connection';
import { useChatStore } from '../../stores/chatStore';

export function useQuotedOriginals(connection: ChatConnection): void {
  const messages = useChatStore((s) => s.messages);
  const order = useChatStore((s) => s.order);
  const quoted = useChatStore((s) => s.quoted);
  // Asked once per id: an id the server does not have (or a failed call) is not asked again and again.
  const asked = useRef(new Set<number>());

  useEffect(() => {
    const missing = new Set<number>();
    for (const id of order) {
      const replyTo = messages[id]?.replyTo;
      if (replyTo == null || replyTo in messages || replyTo in quoted || asked.current.has(replyTo)) continue;
      missing.add(replyTo);
    }
    if (missing.size === 0) return;
    const ids = [...missing].slice(-MAX_GET_IDS);
    for (const id of ids) asked.current.add(id);
    connection.client.trpc.chat.get
      .query({ ids })
      .then((found) => useChatStore.getState().addQuoted(found))
      .catch(() => {
        // Offline or refused: the quote keeps its "message #id" label; a later change asks again.
        for (const id of ids) asked.current.delete(id);
      });
  }, [connection, messages, order, quoted]);
}
