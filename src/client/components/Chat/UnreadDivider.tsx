// The "New messages" line before the first message that was unread when the page opened.
export function UnreadDivider() {
  return (
    <div
      data-testid="unread-divider"
      className="mx-4 my-1 flex items-center gap-2 text-xs font-semibold text-rose-600 dark:text-rose-400"
    >
      <hr className="flex-1 border-rose-500/60" />
      New messages
      <hr className="flex-1 border-rose-500/60" />
    </div>
  );
}
