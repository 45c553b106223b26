// The event bus both the hub (publisher) and the storage bundles (the cluster bus on PostgreSQL) see, and the
// in-process bus a single instance uses: db/ builds it for SQLite, so it lives here rather than in hub/.
import type { ActivityEvent } from '../../shared/activity';
import type { Message, MessageChange } from '../../shared/message';
import type { Role } from '../auth';

export type HubEvent =
  | {
      type: 'message';
      message: Message;
      /**
       * Set for a person who posted through an authenticated tRPC call on this instance (open mode: everyone is
       * admin). Not part of the Message contract and never sent to clients: the agents' ask desk uses it so an
       * admin can answer an agent's question by replying. Absent (Telegram, /legacy, other instances): a user.
       */
      posterRole?: Role;
    }
  /**
   * A committed edit, deletion, reaction or thread reply count of an existing message, in the same id order as
   * messages (its id comes from the same sequence). Listeners that only act on new messages (the agents' mention
   * router) ignore it: an edit never looks like a new message to them.
   */
  | { type: 'change'; change: MessageChange }
  | { type: 'activity'; activity: ActivityEvent };

export type BusListener = (event: HubEvent) => void;

export interface Bus {
  publish(event: HubEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: BusListener): () => void;
}

export class InProcessBus implements Bus {
  private readonly listeners = new Set<BusListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  publish(event: HubEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One failing subscriber must not starve the others.
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
