// Storage interface for npm run import:original: one transaction holding a whole import, with the lookups that
// make it idempotent (what was imported before) and the writes of agents, messages and the import map.
import type { Message } from '../../shared/message';
import type { Agent } from './agents-repository';
import type { importKinds } from './schema-import';

export type ImportKind = (typeof importKinds)[number];

/** The original's key for a row: message_id (or agent name) and its timestamp text as stored there. */
export interface OriginalKey {
  id: string;
  at: string;
}

export interface ImportedAgent extends Agent {
  original: OriginalKey;
}

export interface ImportedMessage extends Omit<Message, 'id' | 'replyTo' | 'clientId' | 'origin'> {
  /** The id here of the message it replies to, when that was imported before this batch. */
  replyTo: number | null;
  /** Index, in the same insertMessages call, of the earlier row it replies to (ids are assigned in the call). */
  replyToRow: number | null;
  original: OriginalKey & { conversation: string | null };
}

export interface ImportSession {
  /** Of `keys`, those already in the import map (written by an earlier run, or earlier in this transaction). */
  importedKeys(kind: ImportKind, keys: OriginalKey[]): Promise<Set<string>>;
  /** Of `names` (lower case), those of agents that exist here. */
  existingAgents(names: string[]): Promise<Set<string>>;
  /**
   * For each original message_id in `ids`, the id here of the latest imported message with it whose original
   * timestamp is at or before `at` (the original reused message_ids after a restart).
   */
  importedMessageIds(ids: string[], at: string): Promise<Map<string, number>>;
  insertAgents(rows: ImportedAgent[]): Promise<void>;
  /** Inserts in order with origin 'import' and records each in the import map; returns the new ids. */
  insertMessages(rows: ImportedMessage[]): Promise<number[]>;
}

export interface ImportRepository {
  /**
   * Runs `work` in one transaction and commits it when `commit` is true, else rolls it back (a dry run that
   * checked everything). If `work` throws, nothing is written.
   */
  transaction<T>(commit: boolean, work: (session: ImportSession) => Promise<T>): Promise<T>;
}

/** The key of an original row in the sets importedKeys returns. */
export const originalKey = (key: OriginalKey): string => `${key.id}\u0000${key.at}`;
