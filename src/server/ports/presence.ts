// What the cluster presence (db/pg) needs of this instance's presence (hub/presence.ts): who is connected here,
// and a way to add the people connected to the other instances to presence.list().
import type { PresenceEntry } from '../../shared/activity';

export type PresenceSource = () => PresenceEntry[];

export interface LocalPresence {
  isOnline(user: string): boolean;
  list(): PresenceEntry[];
  addSource(source: PresenceSource): void;
}
