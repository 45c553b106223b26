// How the message list lays messages out: consecutive messages of one sender within a few minutes form a group
// (one avatar and name), and a separator starts each day (local time).

/** Messages of one sender closer than this to the previous one join its group. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface GroupedRow {
  sender: string;
  senderKind?: string;
  createdAt: string;
}

export interface RowLayout {
  /** Joins the previous message's group: no avatar or name of its own. */
  continued: boolean;
  /** The day separator's label when this message starts a day (the first row starts one too), else null. */
  day: string | null;
}

const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

/** "Today", "Yesterday", or the weekday and date (with the year when it is not this year), in local time. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (dayKey(date) === dayKey(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return date.toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** The full date and time, for a message time's tooltip. */
export function fullDate(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'full', timeStyle: 'medium' });
}

/** The layout of each row, in order (rows oldest first, as the list shows them). */
export function layoutRows(rows: readonly GroupedRow[], now: Date = new Date()): RowLayout[] {
  let previous: { row: GroupedRow; at: number; day: string } | null = null;
  return rows.map((row) => {
    const date = new Date(row.createdAt);
    const at = date.getTime();
    const day = dayKey(date);
    const newDay = previous?.day !== day;
    const continued =
      previous !== null &&
      !newDay &&
      previous.row.sender === row.sender &&
      (previous.row.senderKind ?? 'user') === (row.senderKind ?? 'user') &&
      at - previous.at >= 0 &&
      at - previous.at <= GROUP_WINDOW_MS;
    previous = { row, at, day };
    return { continued, day: newDay ? dayLabel(row.createdAt, now) : null };
  });
}
