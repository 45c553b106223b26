// The conversation, virtualised (react-virtuoso): stays at the bottom for new messages while the reader is there
// (a flood included), counts what arrived while they read further up, loads older pages at the top, jumps to a
// quoted message and stays on it — a far one in a window of its own (stores/window.ts) that loads newer pages at
// the bottom until it meets the live list — and gives the keyboard one tab stop with arrow keys between messages.
import { ArrowDown } from 'lucide-react';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { type ListItem, Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { Message } from '../../../shared/message';
import { useUnreadDivider } from '../../hooks/useUnread';
import { layoutRows, type RowLayout } from '../../lib/message-groups';
import { MENTION_MARK, unreadLabel } from '../../lib/unread';
import { liveOrder, type PendingMessage, selectTimeline, useChatStore } from '../../stores/chatStore';
import { useThreadStore } from '../../stores/threads';
import { unreadAfter } from '../../stores/unread';
import { MessageItem } from './MessageItem';
import { UnreadDivider } from './UnreadDivider';

/** Virtuoso needs a first index that only ever decreases as older items are prepended. */
const FIRST_INDEX = 1_000_000_000;
/** How far from the end (px) still counts as "at the bottom". */
const AT_BOTTOM_PX = 60;

export interface MessageListHandle {
  /** Stops following new messages: call before loading the pages a jump needs, so nothing pulls the list away. */
  holdPosition(): void;
  /** Scrolls to a loaded message, centred, and keeps it there until the reader scrolls. */
  scrollToMessage(id: number): boolean;
  scrollToBottom(): void;
}

interface Props {
  onReply(message: Message): void;
  onQuoteClick(id: number): void;
  onLoadOlder(): Promise<boolean>;
  /** Below a far jump's window: the next newer page. */
  onLoadNewer(): Promise<boolean>;
  renderExtra?(message: Message): React.ReactNode;
}

type Row = Message | PendingMessage;
interface ListContext {
  hasOlder: boolean;
  /** A far jump's window is shown: newer pages load below it. */
  hasNewer: boolean;
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
  Footer: ({ context }: { context?: ListContext }) =>
    context?.hasNewer ? (
      <div data-testid="loading-newer" className="py-3 text-center text-xs text-slate-500">
        Loading newer messages…
      </div>
    ) : null,
};

const followAlways = () => 'auto' as const;

export const MessageList = forwardRef<MessageListHandle, Props>(function MessageList(
  { onReply, onQuoteClick, onLoadOlder, onLoadNewer, renderExtra },
  ref,
) {
  const messagesById = useChatStore((s) => s.messages);
  const quoted = useChatStore((s) => s.quoted);
  const order = useChatStore((s) => s.order);
  const pending = useChatStore((s) => s.pending);
  const prepended = useChatStore((s) => s.prepended);
  const highlighted = useChatStore((s) => s.highlighted);
  const olderCursor = useChatStore((s) => s.olderCursor);
  const historyLoaded = useChatStore((s) => s.historyLoaded);
  const detached = useChatStore((s) => s.detached);
  const view = useChatStore((s) => s.view);
  const anchor = useChatStore((s) => s.anchor);
  const me = useChatStore((s) => s.me?.id);
  /** The "New messages" line goes before this message (what was unread when the page opened). */
  const dividerId = useUnreadDivider();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const scrollerRef = useRef<HTMLElement | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  // Following new messages is the reader's choice, not a reading of the scroll position: content growing under a
  // reader at the bottom (a flood) must not unstick them, and a jump must not be undone by a message arriving.
  const [stick, setStickState] = useState(true);
  const stickRef = useRef(true);
  /** The newest message id when the reader stopped following: the pill counts what came after it. */
  const [seenUpTo, setSeenUpTo] = useState(0);
  /** A jump holds the list still until the reader moves it themselves. */
  const holding = useRef(false);
  const [activeId, setActiveId] = useState<number | null>(null);
  const [rendered, setRendered] = useState<{ first: number; last: number } | null>(null);

  const setStick = useCallback((value: boolean) => {
    if (stickRef.current === value) return;
    stickRef.current = value;
    setStickState(value);
    if (!value) {
      const live = liveOrder(useChatStore.getState());
      setSeenUpTo(live[live.length - 1] ?? 0);
    }
  }, []);

  // Own messages still sending belong below the live list, not below a window.
  const rows = useMemo<Row[]>(
    () => [...selectTimeline({ messages: messagesById, order }), ...(detached ? [] : pending)],
    [messagesById, order, pending, detached],
  );
  // Groups and day separators, by row key. Recomputed with the rows; "Today" turns into "Yesterday" on the next
  // change after midnight, which is soon enough for a chat.
  const hasOlder = olderCursor !== null;
  const layout = useMemo(() => {
    const layouts = layoutRows(rows);
    // While older pages exist, the first loaded row's predecessor is unknown: laid out as continuing it, so loading
    // them does not shrink the row at the top (a day separator or header moving up made the list jump as it
    // prepended, and could leave a reader reading history at the bottom).
    if (hasOlder && layouts[0]) layouts[0] = { continued: true, day: null };
    return new Map<number | string, RowLayout>(
      rows.map((row, i) => ['id' in row ? row.id : row.tempId, layouts[i] as RowLayout]),
    );
  }, [rows, hasOlder]);

  const scrollToBottom = useCallback(() => {
    holding.current = false;
    setStick(true);
    // From a window: the live list at once (its view starts at the bottom); then nothing to scroll here.
    if (useChatStore.getState().detached) return useChatStore.getState().returnToLive();
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
  }, [setStick]);

  useImperativeHandle(
    ref,
    () => ({
      holdPosition() {
        holding.current = true;
        setStick(false);
      },
      scrollToMessage(id) {
        // Read the store, not this render's props: the pages a jump loaded may not have re-rendered us yet.
        const index = useChatStore.getState().order.indexOf(id);
        if (index < 0) return false;
        holding.current = true;
        setStick(false);
        setActiveId(id);
        // The list may not have taken in the pages a jump just prepended (a slow frame under load): a scroll to an
        // index it does not know yet goes nowhere. Scroll again each frame until the row is rendered (≤ 2 s), unless
        // the reader moves the list themselves meanwhile.
        const deadline = performance.now() + 2_000;
        const scroll = () => {
          if (!holding.current) return;
          const at = useChatStore.getState().order.indexOf(id);
          if (at >= 0) virtuoso.current?.scrollToIndex({ index: at, align: 'center', behavior: 'auto' });
          // The scroller of now: a window's view is a new one.
          const element = scrollerRef.current;
          if (element?.querySelector(`[data-message-id="${id}"]`) || performance.now() > deadline) return;
          requestAnimationFrame(scroll);
        };
        scroll();
        return true;
      },
      scrollToBottom,
    }),
    [setStick, scrollToBottom],
  );

  // The reader scrolling up (wheel, touch, keys, scrollbar) stops following. Only scrolls right after the reader's
  // own input count: Virtuoso correcting positions as rows are measured (a flood) moves the list too.
  useEffect(() => {
    const element = scroller;
    if (!element) return;
    let lastTop = element.scrollTop;
    let inputAt = 0;
    let pointerHeld = false;
    const onScroll = () => {
      const top = element.scrollTop;
      const fromBottom = element.scrollHeight - top - element.clientHeight;
      const byReader = pointerHeld || performance.now() - inputAt < 1_000;
      if (byReader && top < lastTop - 1 && fromBottom > AT_BOTTOM_PX) setStick(false);
      lastTop = top;
    };
    // Any move of the reader's own also ends a jump's hold.
    const onInput = () => {
      inputAt = performance.now();
      holding.current = false;
    };
    const onPointerDown = () => {
      onInput();
      pointerHeld = true;
    };
    const onPointerUp = () => {
      pointerHeld = false;
    };
    const inputs = ['wheel', 'touchmove', 'keydown'] as const;
    element.addEventListener('scroll', onScroll, { passive: true });
    for (const type of inputs) element.addEventListener(type, onInput, { passive: true });
    element.addEventListener('pointerdown', onPointerDown, { passive: true });
    window.addEventListener('pointerup', onPointerUp, { passive: true });
    return () => {
      element.removeEventListener('scroll', onScroll);
      for (const type of inputs) element.removeEventListener(type, onInput);
      element.removeEventListener('pointerdown', onPointerDown);
      window.removeEventListener('pointerup', onPointerUp);
    };
  }, [scroller, setStick]);

  const onAtBottom = useCallback(
    (bottom: boolean) => {
      setAtBottom(bottom);
      // The bottom of a window is not the live end: nothing to follow there.
      if (bottom && !holding.current && !useChatStore.getState().detached) setStick(true);
    },
    [setStick],
  );

  const startReached = useCallback(() => {
    void onLoadOlder();
  }, [onLoadOlder]);

  const endReached = useCallback(() => {
    if (useChatStore.getState().detached) void onLoadNewer();
  }, [onLoadNewer]);

  // Virtuoso reports rendered items from its layout effects: a state update there re-renders the list inside the
  // same commit, and in a flood (new rows, a follow scroll, new rows…) those nest past React's limit. One update per
  // frame, outside the commit, is plenty for choosing the tab stop.
  const renderedFrame = useRef<number | null>(null);
  const renderedNext = useRef<{ first: number; last: number } | null>(null);
  useEffect(
    () => () => void (renderedFrame.current !== null && cancelAnimationFrame(renderedFrame.current)),
    [],
  );
  const onItemsRendered = useCallback((items: ListItem<Row>[]) => {
    const ids = items.flatMap((item) => (item.data && 'id' in item.data ? [item.data.id] : []));
    const first = ids[0];
    const last = ids[ids.length - 1];
    renderedNext.current = first === undefined || last === undefined ? null : { first, last };
    renderedFrame.current ??= requestAnimationFrame(() => {
      renderedFrame.current = null;
      const next = renderedNext.current;
      setRendered((previous) =>
        next === null
          ? null
          : previous?.first === next.first && previous.last === next.last
            ? previous
            : next,
      );
    });
  }, []);
  const onScrollerRef = useCallback((element: HTMLElement | Window | null) => {
    const scrollerElement = element instanceof HTMLElement ? element : null;
    scrollerRef.current = scrollerElement;
    setScroller(scrollerElement);
  }, []);

  // One tab stop in the list: the current message if it is on screen, else the newest one that is.
  const tabStop =
    activeId !== null && rendered && activeId >= rendered.first && activeId <= rendered.last
      ? activeId
      : (rendered?.last ?? null);

  /** Arrow keys, Home and End move between messages; R replies to the focused one, T opens its thread. */
  const onKeyDown = useCallback(
    (event: React.KeyboardEvent<HTMLDivElement>) => {
      const target = event.target as HTMLElement;
      if (target.dataset.testid !== 'message-item' || !target.dataset.messageId) return;
      const id = Number(target.dataset.messageId);
      const { order, messages } = useChatStore.getState();
      const index = order.indexOf(id);
      let next: number | undefined;
      if (event.key === 'ArrowUp') next = index - 1;
      else if (event.key === 'ArrowDown') next = index + 1;
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = order.length - 1;
      else if (
        (event.key === 'r' || event.key === 'R') &&
        !event.ctrlKey &&
        !event.metaKey &&
        !event.altKey
      ) {
        const message = messages[id];
        if (message) {
          event.preventDefault();
          onReply(message);
        }
        return;
      } else if (
        (event.key === 't' || event.key === 'T') &&
        !event.ctrlKey &&
        !event.metaKey &&
        !event.altKey
      ) {
        // T opens the message's thread (the one it starts, or the one a reply sent to the channel belongs to).
        event.preventDefault();
        useThreadStore.getState().openThread(messages[id]?.threadRoot ?? id);
        return;
      }
      if (next === undefined) return;
      event.preventDefault();
      const nextIndex = Math.max(0, Math.min(order.length - 1, next));
      const nextId = order[nextIndex];
      if (nextId === undefined) return;
      setActiveId(nextId);
      const focus = () =>
        document.querySelector<HTMLElement>(`[data-testid="message-item"][data-message-id="${nextId}"]`);
      virtuoso.current?.scrollIntoView({ index: nextIndex, behavior: 'auto' });
      const element = focus();
      if (element) element.focus();
      else requestAnimationFrame(() => requestAnimationFrame(() => focus()?.focus()));
    },
    [onReply],
  );

  const onFocus = useCallback((event: React.FocusEvent<HTMLDivElement>) => {
    const article = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="message-item"]');
    const id = Number(article?.dataset.messageId);
    if (id) setActiveId(id);
  }, []);

  const itemContent = useCallback(
    (_index: number, row: Row) => {
      const stored = 'id' in row;
      const item = (
        <MessageItem
          message={row}
          original={row.replyTo !== null ? (messagesById[row.replyTo] ?? quoted[row.replyTo]) : undefined}
          me={me}
          highlighted={stored && row.id === highlighted}
          tabStop={stored && row.id === tabStop}
          onReply={onReply}
          onQuoteClick={onQuoteClick}
          extra={stored ? renderExtra?.(row) : undefined}
          // The "New messages" line starts a group of its own: the first unread shows its sender.
          continued={layout.get(stored ? row.id : row.tempId)?.continued && !(stored && row.id === dividerId)}
          day={layout.get(stored ? row.id : row.tempId)?.day}
        />
      );
      if (!stored || row.id !== dividerId) return item;
      return (
        <>
          <UnreadDivider />
          {item}
        </>
      );
    },
    [messagesById, quoted, me, highlighted, tabStop, onReply, onQuoteClick, renderExtra, dividerId, layout],
  );

  if (!historyLoaded)
    return (
      <div data-testid="message-list" className="flex flex-1 items-center justify-center text-slate-500">
        Loading messages…
      </div>
    );

  // Others' messages below what the reader last saw (their own are not news), marked when one is for them.
  // While a window is shown they are counted in the live list set aside.
  const unseen = stick
    ? { count: 0, forMe: false }
    : unreadAfter({ messages: messagesById, order: detached?.liveOrder ?? order }, seenUpTo, me);
  const anchorIndex = anchor === null ? -1 : order.indexOf(anchor);
  return (
    // Key handling is delegated from the focusable messages inside.
    <div
      data-testid="message-list"
      data-following={stick ? 'true' : 'false'}
      data-detached={detached ? 'true' : undefined}
      role="log"
      aria-label="Messages"
      aria-live="polite"
      className="relative min-h-0 flex-1"
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <Virtuoso<Row, ListContext>
        // A window, or the live list again, is another list: a view of its own, started where it should be.
        key={view}
        ref={virtuoso}
        scrollerRef={onScrollerRef}
        className="h-full"
        data={rows}
        firstItemIndex={FIRST_INDEX - prepended}
        initialTopMostItemIndex={
          anchorIndex >= 0 ? { index: anchorIndex, align: 'center' } : Math.max(0, rows.length - 1)
        }
        computeItemKey={(_i, row) => ('id' in row ? `m${row.id}` : row.tempId)}
        itemContent={itemContent}
        startReached={startReached}
        endReached={endReached}
        // A function, not 'auto': Virtuoso would follow 'auto' only while it still measures the list as at the
        // bottom, and in a flood the next batch lands before the last scroll (that left readers mid-stream).
        // `false` (not a function answering false) also turns off Virtuoso's "size grew: scroll down", which
        // would otherwise pull a jump back to the bottom while the pages it needs are prepended.
        followOutput={stick ? followAlways : false}
        increaseViewportBy={{ top: 400, bottom: 400 }}
        context={{ hasOlder: olderCursor !== null, hasNewer: detached !== null, empty: rows.length === 0 }}
        components={COMPONENTS}
        atBottomStateChange={onAtBottom}
        atBottomThreshold={AT_BOTTOM_PX}
        itemsRendered={onItemsRendered}
      />
      {(detached || (!stick && !atBottom)) && (
        <button
          type="button"
          data-testid="jump-to-latest"
          data-count={unseen.count}
          data-for-me={unseen.forMe ? 'true' : undefined}
          data-detached={detached ? 'true' : undefined}
          onClick={scrollToBottom}
          className="absolute bottom-3 left-1/2 z-10 flex -translate-x-1/2 items-center gap-1 whitespace-nowrap rounded-full bg-sky-600 px-3 py-1 text-xs text-white shadow hover:bg-sky-700"
        >
          <ArrowDown size={14} aria-hidden="true" />
          {unseen.forMe && (
            <span title="for you">
              {MENTION_MARK}
              <span className="sr-only"> for you:</span>
            </span>
          )}
          {unseen.count > 0
            ? `${unreadLabel(unseen.count)} new message${unseen.count === 1 ? '' : 's'}`
            : detached
              ? 'Jump to latest'
              : 'Latest messages'}
        </button>
      )}
    </div>
  );
});
