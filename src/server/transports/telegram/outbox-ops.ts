// What one outbox row asks of Telegram: send a part, edit a part, or delete a message. Edits and deletions queue
// in the same rows (and so in the same order) as sends; the kind is encoded in the row's part numbers, since the
// outbox table has no column for it (part >= 1 and parts >= 1: a send; parts < 0: an edit; part 0 and parts 0: a
// delete; part -1 and parts 0: the bot's reaction, its emoji in the row's html, '' for none).
import type { OutboxPart } from '../../db/transport-repository';

export type OutboxOp =
  | { kind: 'send'; part: number; parts: number }
  /** Part `part` of the new text, which has `parts` parts in all. */
  | { kind: 'edit'; part: number; parts: number }
  | { kind: 'delete' }
  | { kind: 'react' };

export function opOf(row: Pick<OutboxPart, 'part' | 'parts'>): OutboxOp {
  if (row.parts === 0) return row.part === -1 ? { kind: 'react' } : { kind: 'delete' };
  if (row.parts < 0) return { kind: 'edit', part: row.part, parts: -row.parts };
  return { kind: 'send', part: row.part, parts: row.parts };
}

/** The part numbers that store `op` in a row. */
export function rowOf(op: OutboxOp): Pick<OutboxPart, 'part' | 'parts'> {
  if (op.kind === 'delete') return { part: 0, parts: 0 };
  if (op.kind === 'react') return { part: -1, parts: 0 };
  if (op.kind === 'edit') return { part: op.part, parts: -op.parts };
  return { part: op.part, parts: op.parts };
}
