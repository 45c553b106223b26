// The adapter interface every transport implements (the shape of the old Telegram manager), and shared helpers.
import type { Message, Origin, SenderKind } from '../../shared/message';
import type { Hub } from '../hub/hub';

/** Receives a committed message; a rejection is logged by the caller, never retried. */
export type MessageHandler = (message: Message) => void | Promise<void>;

export type TransportName = 'websocket' | 'telegram' | 'legacy';

export interface Transport {
  readonly name: TransportName;
  /** Returns the function that removes the handler. */
  addMessageHandler(handler: MessageHandler): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts into the conversation as `senderName`; resolves to whether this transport delivered it. */
  sendMessage(text: string, senderName: string, replyTo?: number | null): Promise<boolean>;
  isConnected(): boolean;
}

/** A small set of handlers with error isolation: one failing handler must not starve the others. */
export class Handlers {
  private readonly set = new Set<MessageHandler>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(handler: MessageHandler): () => void {
    this.set.add(handler);
    return () => this.set.delete(handler);
  }

  emit(message: Message): void {
    for (const handler of this.set) {
      try {
        const result = handler(message);
        if (result instanceof Promise) result.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}

/** `system` speaks as the system; any other name a transport sends for is an agent. */
export function senderKindFor(senderName: string): SenderKind {
  return senderName === 'system' ? 'system' : 'agent';
}

/** Posts through the hub (the only way in); resolves to the committed message, or null when refused. */
export async function postThroughHub(
  hub: Hub,
  text: string,
  senderName: string,
  replyTo: number | null | undefined,
  onError: (error: unknown) => void,
): Promise<Message | null> {
  const senderKind = senderKindFor(senderName);
  const origin: Origin = senderKind === 'system' ? 'system' : 'agent';
  try {
    return await hub.post({ text, replyTo: replyTo ?? null, sender: senderName, senderKind }, origin);
  } catch (error) {
    onError(error);
    return null;
  }
}
