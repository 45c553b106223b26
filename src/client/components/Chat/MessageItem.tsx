// One message: sender, time, the quoted message it replies to (click to jump), text, thread link and reactions, and
// actions (react, reply in thread, reply) that show only for the message in use (hovered, focused or tapped). Its
// controls are tab stops only while it is the list's current message, so Tab does not walk through every Reply
// button on the way to the composer.
import { CornerUpLeft, Reply } from 'lucide-react';
import { memo, useLayoutEffect, useRef } from 'react';
import type { Message } from '../../../shared/message';
import { fullDate } from '../../lib/message-groups';
import type { PendingMessage } from '../../stores/chatStore';
import { ReplyInThreadButton, ThreadSummary } from '../Thread/ThreadLinks';
import { Avatar } from './Avatar';
import { DaySeparator } from './DaySeparator';
import { EditableText, OwnMessageActions } from './MessageEditing';
import { MessageText } from './MessageText';
import { AddReactionButton, type MessagePlace, Reactions } from './Reactions';

export interface MessageItemProps {
  message: Message | PendingMessage;
  /** The message this one replies to, when it is known (loaded, or looked up with chat.get). */
  original?: Message;
  /** Whether this message is the list's one tab stop (roving tabindex); its controls are tab stops then too. */
  tabStop?: boolean;
  me?: string;
  highlighted?: boolean;
  onReply?(message: Message): void;
  onQuoteClick?(id: number): void;
  extra?: React.ReactNode;
  /** Joins the previous message's group (same sender, a few minutes apart): no avatar or name of its own. */
  continued?: boolean;
  /** The day separator shown above this message when it starts a day. */
  day?: string | null;
  /** The main list (default) or the thread panel, which shows no thread links of its own. */
  place?: MessagePlace;
}

const ACTION_BUTTON =
  'rounded border border-slate-300 bg-white p-1 text-slate-600 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-300';

const isStored = (m: Message | PendingMessage): m is Message => 'id' in m;

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The first non-empty line of a message, shortened: what a quote shows of its original. */
function preview(text: string, max = 120): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const flat = line.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const MessageItem = memo(function MessageItem({
  message,
  original,
  me,
  highlighted,
  tabStop = false,
  onReply,
  onQuoteClick,
  extra,
  continued = false,
  day = null,
  place = 'main',
}: MessageItemProps) {
  const stored = isStored(message);
  const article = useRef<HTMLElement>(null);
  // Every control inside (reply, quote, links, a task badge's buttons) follows the message: reachable by Tab only
  // while the message is the current one. Set on the DOM so controls rendered by children are covered too.
  useLayoutEffect(() => {
    for (const control of article.current?.querySelectorAll<HTMLElement>('a[href], button') ?? [])
      control.tabIndex = tabStop ? 0 : -1;
  });
  const kind = stored ? message.senderKind : 'user';
  const mentions = stored ? message.mentions : [];
  const mentionsMe = me !== undefined && mentions.includes(me.toLowerCase());
  // A message still on its way keeps its header: it shows the sending status.
  const grouped = continued && stored;
  return (
    <>
      {day !== null && <DaySeparator label={day} />}
      <article
        ref={article}
        tabIndex={stored ? (tabStop ? 0 : -1) : undefined}
        data-testid="message-item"
        data-message-id={stored ? message.id : undefined}
        data-sender={message.sender}
        data-pending={stored ? undefined : 'true'}
        data-send-status={stored ? undefined : message.status}
        data-highlighted={highlighted ? 'true' : undefined}
        data-continued={grouped ? 'true' : undefined}
        aria-label={`${message.sender} at ${time(message.createdAt)}`}
        className={`group relative flex gap-3 px-4 ${grouped ? 'py-0.5' : 'pt-2 pb-1'} outline-none hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-500 dark:hover:bg-slate-800/50 ${
          highlighted ? 'message-highlight' : ''
        } ${mentionsMe ? 'border-l-4 border-amber-400' : 'border-l-4 border-transparent'} ${stored ? '' : 'opacity-60'}`}
      >
        {grouped ? (
          <time
            dateTime={message.createdAt}
            title={fullDate(message.createdAt)}
            className="invisible w-8 shrink-0 pt-1 text-right text-[10px] text-slate-500 group-focus-within:visible group-hover:visible dark:text-slate-400"
          >
            {time(message.createdAt)}
          </time>
        ) : (
          <Avatar name={message.sender} kind={kind} />
        )}
        <div className="min-w-0 flex-1">
          {!grouped && (
            <div className="flex items-baseline gap-2 text-sm">
              <span className="font-semibold">{message.sender}</span>
              {kind !== 'user' && (
                <span className="rounded bg-slate-200 px-1 text-xs text-slate-700 dark:bg-slate-700 dark:text-slate-200">
                  {kind}
                </span>
              )}
              <time
                dateTime={message.createdAt}
                title={fullDate(message.createdAt)}
                className="text-xs text-slate-500 dark:text-slate-400"
              >
                {stored ? time(message.createdAt) : message.status === 'failed' ? 'not sent' : 'sending…'}
              </time>
              {stored && message.origin !== 'websocket' && message.origin !== 'agent' && (
                <span className="text-xs text-slate-400">via {message.origin}</span>
              )}
            </div>
          )}
          {message.replyTo !== null && (
            <button
              type="button"
              data-testid="reply-quote"
              data-reply-to={message.replyTo}
              onClick={() => message.replyTo !== null && onQuoteClick?.(message.replyTo)}
              className="mt-1 flex max-w-full items-center gap-1 truncate rounded border-l-2 border-slate-400 bg-slate-100 px-2 py-0.5 text-left text-xs text-slate-600 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:hover:bg-slate-700"
              aria-label={`Replying to ${original ? `${original.sender}: ${preview(original.text, 60)}` : `message ${message.replyTo}`} (show it)`}
            >
              <CornerUpLeft size={12} className="shrink-0" aria-hidden="true" />
              {original ? (
                <span className="truncate">
                  <span className="font-semibold">{original.sender}</span>: {preview(original.text)}
                </span>
              ) : (
                <span>message #{message.replyTo}</span>
              )}
            </button>
          )}
          <div className="mt-0.5 text-[15px] leading-relaxed">
            <EditableText message={stored ? message : null}>
              <MessageText
                text={message.text}
                mentions={mentions}
                me={me}
                command={stored ? message.command : null}
                deleted={stored && message.deletedAt !== undefined}
              />
            </EditableText>
          </div>
          {extra}
          {stored && place === 'main' && <ThreadSummary message={message} />}
          {stored && <Reactions message={message} me={me} place={place} />}
        </div>
        {stored && (
          <div
            data-testid="message-actions"
            className="invisible absolute right-3 top-1 flex gap-1 group-focus-within:visible group-hover:visible"
          >
            <OwnMessageActions message={message} className={ACTION_BUTTON} />
            <AddReactionButton message={message} place={place} className={ACTION_BUTTON} />
            {place === 'main' && <ReplyInThreadButton message={message} className={ACTION_BUTTON} />}
            {onReply && (
              <button
                type="button"
                data-testid="reply-button"
                onClick={() => onReply(message)}
                aria-label={`Reply to ${message.sender}`}
                title="Reply"
                aria-keyshortcuts="R"
                className={ACTION_BUTTON}
              >
                <Reply size={14} aria-hidden="true" />
              </button>
            )}
          </div>
        )}
      </article>
    </>
  );
});
