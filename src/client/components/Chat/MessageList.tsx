// The conversation, virtualised (react-virtuoso): sticks to the bottom for new messages, loads older pages when
// scrolled to the top, and scrolls to + highlights a quoted message on request.
import { ArrowDown } from 'lucide-react';
import { forwardRef, useCallback, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { Message } from '../../../shared/message';
import { type PendingMessage, selectTimeline, useChatStore } from '../../stores/chatStore';
import { MessageItem } from './MessageItem';

/** Virtuoso needs a first index that only ever decreases as older items are prepended. */
const FIRST_INDEX = 1_000_000_000;

export interface MessageListHandle {
  scrollToMessage(id: number): boolean;
  scrollToBottom(): void;
}

interface Props {
  onReply(message: Message): void;
  onQuoteClick(id: number): void;
  onLoadOlder(): Promise<boolean>;
  renderExtra?(message: Message): React.ReactNode;
}

type Row = Message | PendingMessage;
interface ListContext {
  hasOlder: boolean;
  empty: boolean;
}

/** Defined once, outside render, so Virtuoso does not remount the header on every update. */
const COMPONENTS = {
  Header: ({ context }: { context?: ListContext }) => (
    <div className="py-3 text-center text-xs text-slate-500">
      {context?.hasOlder
        ? 'Loading older messages…'
        : context?.empty
          ? 'No messages yet: say hello.'
          : 'This is the beginning of the conversation.'}
    </div>
  ),
};

export const MessageList = forwardRef<MessageListHandle, Props>(function MessageList(
  { onReply, onQuoteClick, onLoadOlder, renderExtra },
  ref,
) {
  const messagesById = useChatStore((s) => s.messages);
  const order = useChatStore((s) => s.order);
  const pending = useChatStore((s) => s.pending);
  const prepended = useChatStore((s) => s.prepended);
  const highlighted = useChatStore((s) => s.highlighted);
  const olderCursor = useChatStore((s) => s.olderCursor);
  const historyLoaded = useChatStore((s) => s.historyLoaded);
  const me = useChatStore((s) => s.me?.id);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);

  const rows = useMemo<Row[]>(
    () => [...selectTimeline({ messages: messagesById, order }), ...pending],
    [messagesById, order, pending],
  );

  useImperativeHandle(
    ref,
    () => ({
      scrollToMessage(id) {
        const index = order.indexOf(id);
        if (index < 0) return false;
        virtuoso.current?.scrollToIndex({ index, align: 'center', behavior: 'auto' });
        return true;
      },
      scrollToBottom() {
        virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
      },
    }),
    [order],
  );

  const startReached = useCallback(() => {
    void onLoadOlder();
  }, [onLoadOlder]);

  const itemContent = useCallback(
    (_index: number, row: Row) => {
      const stored = 'id' in row;
      return (
        <MessageItem
          message={row}
          original={row.replyTo !== null ? messagesById[row.replyTo] : undefined}
          me={me}
          highlighted={stored && row.id === highlighted}
          onReply={onReply}
          onQuoteClick={onQuoteClick}
          extra={stored ? renderExtra?.(row) : undefined}
        />
      );
    },
    [messagesById, me, highlighted, onReply, onQuoteClick, renderExtra],
  );

  if (!historyLoaded)
    return (
      <div data-testid="message-list" className="flex flex-1 items-center justify-center text-slate-500">
        Loading messages…
      </div>
    );

  return (
    <div
      data-testid="message-list"
      role="log"
      aria-label="Messages"
      aria-live="polite"
      className="relative min-h-0 flex-1"
    >
      <Virtuoso<Row, ListContext>
        ref={virtuoso}
        className="h-full"
        data={rows}
        firstItemIndex={FIRST_INDEX - prepended}
        initialTopMostItemIndex={Math.max(0, rows.length - 1)}
        computeItemKey={(_i, row) => ('id' in row ? `m${row.id}` : row.tempId)}
        itemContent={itemContent}
        startReached={startReached}
        followOutput={(atBottom) => (atBottom ? 'smooth' : false)}
        increaseViewportBy={{ top: 400, bottom: 400 }}
        context={{ hasOlder: olderCursor !== null, empty: rows.length === 0 }}
        components={COMPONENTS}
        atBottomStateChange={setAtBottom}
        atBottomThreshold={60}
      />
      {!atBottom && (
        <button
          type="button"
          data-testid="jump-to-latest"
          onClick={() => virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })}
          className="absolute bottom-3 right-4 flex items-center gap-1 rounded-full bg-sky-600 px-3 py-1 text-xs text-white shadow hover:bg-sky-700"
        >
          <ArrowDown size={14} aria-hidden="true" /> Latest messages
        </button>
      )}
    </div>
  );
});
