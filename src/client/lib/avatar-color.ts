// A stable avatar colour per name: the same person has the same colour on every page and device, and neighbours
// in a conversation rarely share one (twelve hues, picked by a hash of the name).
const PALETTE = [
  'bg-rose-200 text-rose-900 dark:bg-rose-500/40 dark:text-rose-50',
  'bg-orange-200 text-orange-900 dark:bg-orange-500/40 dark:text-orange-50',
  'bg-amber-200 text-amber-900 dark:bg-amber-500/40 dark:text-amber-50',
  'bg-lime-200 text-lime-900 dark:bg-lime-500/40 dark:text-lime-50',
  'bg-emerald-200 text-emerald-900 dark:bg-emerald-500/40 dark:text-emerald-50',
  'bg-teal-200 text-teal-900 dark:bg-teal-500/40 dark:text-teal-50',
  'bg-cyan-200 text-cyan-900 dark:bg-cyan-500/40 dark:text-cyan-50',
  'bg-sky-200 text-sky-900 dark:bg-sky-500/40 dark:text-sky-50',
  'bg-indigo-200 text-indigo-900 dark:bg-indigo-500/40 dark:text-indigo-50',
  'bg-violet-200 text-violet-900 dark:bg-violet-500/40 dark:text-violet-50',
  'bg-fuchsia-200 text-fuchsia-900 dark:bg-fuchsia-500/40 dark:text-fuchsia-50',
  'bg-pink-200 text-pink-900 dark:bg-pink-500/40 dark:text-pink-50',
] as const;

/** FNV-1a over the lower-cased name: cheap, stable and well spread for short strings. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name.toLowerCase()) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The index of a name's colour in the palette (exported for tests). */
export function avatarHue(name: string): number {
  return hash(name) % PALETTE.length;
}

/** Tailwind classes for a name's avatar (background and text, light and dark). */
export function avatarColor(name: string): string {
  return PALETTE[avatarHue(name)] as string;
}

export const AVATAR_HUES = PALETTE.length;
