// The event bus behind the hub. In-process now; a Redis-backed bus can implement the same interface later.
import type { ActivityEvent } from '../../shared/activity';
import type { Message } from '../../shared/message';

export type HubEvent = { type: 'message'; message: Message } | { type: 'activity'; activity: ActivityEvent };

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
