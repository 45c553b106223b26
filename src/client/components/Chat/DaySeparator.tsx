// The line that starts a day in the message list ("Today", "Yesterday", "Monday, 30 November").
export function DaySeparator({ label }: { label: string }) {
  return (
    <div data-testid="day-separator" className="flex items-center gap-3 px-4 py-2">
      <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      <span className="rounded-full border border-slate-200 px-2 text-xs font-medium text-slate-600 dark:border-slate-700 dark:text-slate-300">
        {label}
      </span>
      <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
    </div>
  );
}
