// Beside the conversation: the panel of the open thread, if any. The panel and its composer are a chunk of their own
// (the initial JavaScript has a budget), fetched the first time a thread opens.
import { lazy, Suspense } from 'react';
import type { ChatConnection } from '../../lib/chat-connection';
import { useThreadStore } from '../../stores/threads';

const ThreadPanel = lazy(() => import('./ThreadPanel').then((m) => ({ default: m.ThreadPanel })));

interface Props {
  connection: ChatConnection;
  me?: string;
  onClosed?(): void;
}

export function ThreadPanelHost(props: Props) {
  const open = useThreadStore((s) => s.open);
  if (open === null) return null;
  return (
    <Suspense fallback={null}>
      <ThreadPanel {...props} />
    </Suspense>
  );
}
