// The chat's connection for React: opens a ChatConnection (lib/chat-connection.ts) while the signed-in screen is
// mounted and closes it when it goes or the address or identity change.
import { useEffect, useRef, useState } from 'react';
import { ChatConnection } from '../lib/chat-connection';
import type { Identity } from '../lib/identity';

export function useChatConnection(
  wsUrl: string,
  identity: Identity,
  onAuthError: (message: string) => void,
): ChatConnection | null {
  // Opened inside the effect (not in a memo) so StrictMode's mount-unmount-mount gets a live connection.
  const [connection, setConnection] = useState<ChatConnection | null>(null);
  const authErrorRef = useRef(onAuthError);
  authErrorRef.current = onAuthError;

  useEffect(() => {
    const opened = new ChatConnection({
      url: wsUrl,
      identity,
      onAuthError: (message) => authErrorRef.current(message),
    });
    setConnection(opened);
    return () => {
      void opened.close();
      setConnection(null);
    };
  }, [wsUrl, identity]);

  return connection;
}
