// The thread panel beside the conversation: the root, its replies (the newest page fetched with chat.thread, older
// pages as the reader scrolls to the top, new ones live from the stream), and its own composer. Escape or the close
// button closes it; over the conversation on narrow screens.
import { X } from 'lucide-react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ChatConnection } from '../../lib/chat-connection';
import { errorText } from '../../lib/chat-connection';
import { useChatStore } from '../../stores/chatStore';
import { selectReplies, useThreadStore } from '../../stores/threads';
import { MessageItem } from '../Chat/MessageItem';
import { ThreadComposer, type ThreadComposerHandle, type ThreadSendInput } from './ThreadComposer';

/** How far from the end (px) still counts as reading the newest replies. */
const AT_BOTTOM_PX = 40;
/** How near the top (px) loads the page of older replies. */
const AT_TOP_PX = 80;
/** Replies per chat.thread page. */
export const THREAD_PAGE = 50;

interface Props {
  connection: ChatConnection;
  me?: string;
  /** After the panel closed, e.g. to give the focus back to the main composer. */
  onClosed?(): void;
}

export function ThreadPanel({ connection, me, onClosed }: Props) {
  const root = useThreadStore((s) => s.open);
  if (root === null) return null;
  return <OpenThread key={root} root={root} connection={connection} me={me} onClosed={onClosed} />;
}

function OpenThread({ root, connection, me, onClosed }: Props & { root: number }) {
  const mainCopy = useChatStore((s) => s.messages[root]);
  const threadCopy = useThreadStore((s) => s.messages[root]);
  const rootMessage = mainCopy ?? threadCopy;
  const replyIds = useThreadStore((s) => s.replies[root]);
  const held = useThreadStore((s) => s.messages);
  const replies = useMemo(
    () => selectReplies({ messages: held, replies: { [root]: replyIds ?? [] } }, root),
    [held, replyIds, root],
  );
  const fetched = useThreadStore((s) => s.fetched[root] === true);
  const olderCursor = useThreadStore((s) => s.olderCursor[root] ?? null);
  const focus = useThreadStore((s) => s.focus);
  const [loadError, setLoadError] = useState<string | null>(null);
  const composer = useRef<ThreadComposerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const loadingOlder = useRef(false);
  /** Distance from the bottom to keep while older replies are put above (so the reader's place stays put). */
  const keepFromBottom = useRef<number | null>(null);

  const close = useCallback(() => {
    useThreadStore.getState().closeThread();
    onClosed?.();
  }, [onClosed]);

  useEffect(() => {
    let cancelled = false;
    connection.client.trpc.chat.thread
      .query({ root, limit: THREAD_PAGE })
      .then(
        (thread) =>
          !cancelled && useThreadStore.getState().setThread(thread.root, thread.replies, thread.olderCursor),
      )
      .catch((error) => !cancelled && setLoadError(errorText(error)));
    return () => {
      cancelled = true;
    };
  }, [connection, root]);

  /** The page of replies before the oldest held; once at a time. */
  const loadOlder = useCallback(() => {
    const before = useThreadStore.getState().olderCursor[root];
    if (before == null || loadingOlder.current) return;
    loadingOlder.current = true;
    connection.client.trpc.chat.thread
      .query({ root, before, limit: THREAD_PAGE })
      .then((thread) => {
        const element = scroller.current;
        if (element) keepFromBottom.current = element.scrollHeight - element.scrollTop;
        useThreadStore.getState().setThread(thread.root, thread.replies, thread.olderCursor);
      })
      .catch((error) => setLoadError(errorText(error)))
      .finally(() => {
        loadingOlder.current = false;
      });
  }, [connection, root]);

  // A reply jumped to that is older than the newest page: the pages before it load until it is held.
  useEffect(() => {
    if (focus === null || !fetched || olderCursor === null) return;
    if (focus < olderCursor && !replies.some((r) => r.id === focus)) loadOlder();
  }, [focus, fetched, olderCursor, replies, loadOlder]);

  useEffect(() => composer.current?.focus(), []);

  // Escape closes the panel, unless something inside took it first (a picker, the composer's own use of it).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [close]);

  // A reply jumped to is brought into view (once it has loaded) and stays there; otherwise new replies keep the
  // newest in view while the reader is at the bottom.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (keepFromBottom.current !== null) {
      // Older replies went in above: the reader stays on what they were reading.
      element.scrollTop = element.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    }
    const focused =
      focus === null ? null : element.querySelector<HTMLElement>(`[data-message-id="${focus}"]`);
    if (focused) {
      following.current = false;
      focused.scrollIntoView({ block: 'center' });
    } else if (following.current && replies.length > 0) element.scrollTop = element.scrollHeight;
  }, [replies.length, focus]);

  // The highlight of a reply jumped to fades like the main list's.
  useEffect(() => {
    if (focus === null || !replies.some((r) => r.id === focus)) return;
    const timer = setTimeout(() => useThreadStore.getState().clearFocus(), 3_000);
    return () => clearTimeout(timer);
  }, [focus, replies]);

  const send = useCallback(
    async ({ text, alsoToChannel, clientId }: ThreadSendInput) => {
      try {
        const message = await connection.client.trpc.chat.send.mutate({
          text,
          threadRoot: root,
          alsoToChannel,
          clientId,
        });
        // Shown at once; the stream's copy of it is the same id and is ignored.
        useThreadStore.getState().addReplies([message]);
        if (message.alsoInChannel) useChatStore.getState().addMessages([message]);
        following.current = true;
      } catch (error) {
        throw new Error(errorText(error));
      }
    },
    [connection, root],
  );

  // The root's count covers replies not loaded yet (older pages).
  const count = Math.max(replies.length, rootMessage?.replyCount ?? 0);
  return (
    <aside
      data-testid="thread-panel"
      data-root={root}
      aria-label="Thread"
      className="absolute inset-0 z-20 flex flex-col border-l border-slate-200 bg-white md:static md:w-96 md:shrink-0 dark:border-slate-700 dark:bg-slate-900"
    >
      <header className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-700">
        <h2 className="flex-1 text-sm font-semibold">Thread</h2>
        <button
          type="button"
          data-testid="thread-close"
          onClick={close}
          aria-label="Close the thread"
          aria-keyshortcuts="Escape"
          title="Close (Esc)"
          className="rounded p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      <div
        ref={scroller}
        data-testid="thread-messages"
        role="log"
        aria-label="Thread messages"
        className="min-h-0 flex-1 overflow-y-auto"
        onScroll={(event) => {
          const element = event.currentTarget;
          following.current = element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_PX;
          if (element.scrollTop <= AT_TOP_PX) loadOlder();
        }}
      >
        {rootMessage ? (
          <div data-testid="thread-root">
            <MessageItem message={rootMessage} me={me} tabStop place="thread" />
          </div>
        ) : (
          !loadError && <p className="p-4 text-sm text-slate-500">Loading the thread…</p>
        )}
        {loadError && (
          <p role="alert" data-testid="thread-error" className="p-4 text-sm text-red-600">
            Could not load the thread: {loadError}
          </p>
        )}
        <div className="flex items-center gap-2 px-4 py-1 text-xs text-slate-500 dark:text-slate-400">
          <span data-testid="thread-count">
            {fetched || count > 0 ? `${count} ${count === 1 ? 'reply' : 'replies'}` : ''}
          </span>
          <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        </div>
        {olderCursor !== null && (
          <button
            type="button"
            data-testid="thread-load-older"
            onClick={loadOlder}
            className="block w-full py-2 text-center text-xs text-slate-500 hover:underline"
          >
            Older replies (scroll up or click)
          </button>
        )}
        {replies.map((reply) => (
          <MessageItem
            key={reply.id}
            message={reply}
            me={me}
            tabStop
            highlighted={reply.id === focus}
            place="thread"
          />
        ))}
      </div>
      <ThreadComposer
        ref={composer}
        label={rootMessage ? `Reply in the thread of ${rootMessage.sender}'s message` : 'Reply in the thread'}
        onSend={send}
      />
    </aside>
  );
}
