// The outgoing queue survives a reload of the tab: unsent messages are kept in sessionStorage (per tab, so two tabs
// never both send them) and queued again on load with their clientId, which the server commits at most once.
import type { PendingMessage } from '../stores/chatStore';

const key = (user: string) => `ocs.outbox.${user}`;

type Stored = Pick<
  PendingMessage,
  'tempId' | 'text' | 'replyTo' | 'sender' | 'createdAt' | 'status' | 'error'
>;

export function saveOutbox(storage: Storage, user: string, pending: PendingMessage[]): void {
  const own: Stored[] = pending
    .filter((p) => p.sender === user)
    .map(({ tempId, text, replyTo, sender, createdAt, status, error }) => ({
      tempId,
      text,
      replyTo,
      sender,
      createdAt,
      status,
      error: error ?? null,
    }));
  try {
    if (own.length === 0) storage.removeItem(key(user));
    else storage.setItem(key(user), JSON.stringify(own));
  } catch {
    // Storage full or disabled (private mode): the queue still works for as long as the tab lives.
  }
}

function isStored(value: unknown): value is Stored {
  const v = value as Partial<Stored> | null;
  return (
    typeof v?.tempId === 'string' &&
    typeof v.text === 'string' &&
    typeof v.sender === 'string' &&
    typeof v.createdAt === 'string' &&
    (v.replyTo === null || typeof v.replyTo === 'number')
  );
}

/** What was still unsent when the tab went away: refused ones stay refused, the rest go to the queue again. */
export function loadOutbox(storage: Storage, user: string): PendingMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(key(user)) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(isStored)
    .filter((p) => p.sender === user)
    .map((p) => ({
      ...p,
      status: p.status === 'failed' ? 'failed' : 'queued',
      error: p.status === 'failed' ? (p.error ?? null) : null,
    }));
}
