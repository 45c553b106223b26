// The look of the chat's own tokens in message text (mentions, the /command), shared by the plain-text view and
// the Markdown renderer's chunk without pulling the renderer's code into the initial bundle.
export const MENTION_CLASS =
  'rounded px-0.5 font-medium bg-sky-100 text-sky-800 dark:bg-sky-500/20 dark:text-sky-200';
export const MENTION_ME_CLASS =
  'rounded px-0.5 font-medium bg-amber-200 text-amber-900 dark:bg-amber-500/30 dark:text-amber-100';
export const COMMAND_CLASS =
  'rounded px-0.5 font-mono text-[0.9em] font-medium bg-emerald-100 text-emerald-800 dark:bg-emerald-500/20 dark:text-emerald-200';
