// The web side (tRPC over WebSocket): always on, it sees the whole conversation through the hub's events.
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub';
import { Handlers, type MessageHandler, postThroughHub, type Transport } from './transport';

export class WebSocketTransport implements Transport {
  readonly name = 'websocket' as const;
  private readonly handlers: Handlers;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly hub: Hub,
    private readonly logger: Logger,
  ) {
    this.handlers = new Handlers((err) => logger.error({ err }, 'message handler failed'));
  }

  addMessageHandler(handler: MessageHandler): () => void {
    return this.handlers.add(handler);
  }

  async start(): Promise<void> {
    // tRPC subscribers read the same committed events; handlers get every message, whatever its origin.
    this.unsubscribe ??= this.hub.onEvent((event) => {
      if (event.type === 'message') this.handlers.emit(event.message);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Delivered = committed: every web subscriber receives it from the hub. */
  async sendMessage(text: string, senderName: string, replyTo?: number | null): Promise<boolean> {
    const message = await postThroughHub(this.hub, text, senderName, replyTo, (err) =>
      this.logger.warn({ err, sender: senderName }, 'websocket transport could not post'),
    );
    return message !== null;
  }

  isConnected(): boolean {
    return this.unsubscribe !== null;
  }

  connections(): { connections: number; users: string[] } {
    return { connections: this.hub.presence.connectionCount, users: this.hub.presence.onlineUsers() };
  }
}
