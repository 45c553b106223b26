// The ways into a thread from the main list: "3 replies · last 10:42" under a root, "in a thread" on a reply also
// sent to the channel, and the "Reply in thread" action of any message.
import { MessageSquare, MessageSquareReply } from 'lucide-react';
import type { Message } from '../../../shared/message';
import { useThreadStore } from '../../stores/threads';

/** The time of a reply: the clock today, the date before. */
export function replyTime(iso: string, now = new Date()): string {
  const at = new Date(iso);
  if (at.toDateString() === now.toDateString())
    return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return at.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

const open = (root: number) => useThreadStore.getState().openThread(root);

/** Under a message in the main list: its thread's size and last reply, or where a broadcast reply belongs. */
export function ThreadSummary({ message }: { message: Message }) {
  const count = message.replyCount ?? 0;
  if (count > 0)
    return (
      <button
        type="button"
        data-testid="thread-summary"
        data-reply-count={count}
        onClick={() => open(message.id)}
        aria-label={`Open the thread: ${count} ${count === 1 ? 'reply' : 'replies'}${
          message.lastReplyAt ? `, last at ${replyTime(message.lastReplyAt)}` : ''
        }`}
        className="mt-1 flex items-center gap-1 rounded px-1 text-xs font-medium text-sky-700 hover:bg-sky-50 hover:underline dark:text-sky-300 dark:hover:bg-sky-500/10"
      >
        <MessageSquare size={12} aria-hidden="true" />
        {count} {count === 1 ? 'reply' : 'replies'}
        {message.lastReplyAt && (
          <span className="font-normal text-slate-500 dark:text-slate-400">
            {` · last ${replyTime(message.lastReplyAt)}`}
          </span>
        )}
      </button>
    );
  if (message.threadRoot !== undefined)
    return (
      <button
        type="button"
        data-testid="thread-origin"
        onClick={() => open(message.threadRoot as number)}
        className="mt-0.5 text-xs text-slate-500 hover:underline dark:text-slate-400"
      >
        replied in a thread
      </button>
    );
  return null;
}

/** "Reply in thread": opens the thread this message starts (or, for a reply, the one it belongs to). */
export function ReplyInThreadButton({ message, className }: { message: Message; className: string }) {
  return (
    <button
      type="button"
      data-testid="reply-in-thread"
      onClick={() => open(message.threadRoot ?? message.id)}
      aria-label={`Reply in thread to ${message.sender}`}
      title="Reply in thread"
      aria-keyshortcuts="T"
      className={className}
    >
      <MessageSquareReply size={14} aria-hidden="true" />
    </button>
  );
}
