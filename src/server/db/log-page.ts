// One page of the log (new messages and changes after an id), assembled the same way on either dialect.
import type { Message, MessageChange } from '../../shared/message';

/**
 * One contiguous id range of messages and changes, at most `limit` entries: where a list came back full, the range
 * ends at its last id (the other list may have more beyond it).
 */
export function cutPage<M extends { id: number }, C extends { id: number }>(
  rows: M[],
  changes: C[],
  limit: number,
): [M[], C[]] {
  let bound = Number.POSITIVE_INFINITY;
  if (rows.length >= limit) bound = (rows[limit - 1] as M).id;
  if (changes.length >= limit) bound = Math.min(bound, (changes[limit - 1] as C).id);
  let m = 0;
  let c = 0;
  while (m + c < limit) {
    const nextRow = rows[m]?.id ?? Number.POSITIVE_INFINITY;
    const nextChange = changes[c]?.id ?? Number.POSITIVE_INFINITY;
    const next = Math.min(nextRow, nextChange);
    if (next > bound) break;
    if (nextRow < nextChange) m++;
    else c++;
  }
  return [rows.slice(0, m), changes.slice(0, c)];
}

/** Change rows as MessageChanges with the message's current state (a row whose message is gone is left out). */
export function toChanges(
  rows: { id: number; message_id: number; kind: MessageChange['kind']; actor: string; created_at: string }[],
  states: Map<number, Message>,
): MessageChange[] {
  const changes: MessageChange[] = [];
  for (const r of rows) {
    const message = states.get(r.message_id);
    if (message)
      changes.push({
        id: r.id,
        kind: r.kind,
        messageId: r.message_id,
        by: r.actor,
        at: r.created_at,
        message,
      });
  }
  return changes;
}
