// How agents speak: every post goes through the hub as the agent; unsolicited posts pass the anti-spam limiter.
import type { Logger } from 'pino';
import { MAX_TEXT_LENGTH, type Message } from '../../shared/message';
import type { Hub } from '../hub/hub';
import type { PostLimiter } from './post-limiter';

export interface SayOptions {
  replyTo?: number | null;
  /** Help offers and progress: limited per agent. Replies to people are never dropped. */
  unsolicited?: boolean;
}

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export class Voice {
  constructor(
    private readonly hub: Hub,
    private readonly logger: Logger,
    readonly limiter: PostLimiter,
  ) {}

  /** Posts as `agent`; returns null when the post was dropped by the limiter or could not be committed. */
  async say(agent: string, text: string, options: SayOptions = {}): Promise<Message | null> {
    if (options.unsolicited && !this.limiter.take(agent)) {
      this.logger.info({ agent, text: clip(text, 120) }, 'agent post dropped by the anti-spam limit');
      return null;
    }
    try {
      return await this.hub.post(
        {
          text: clip(text, MAX_TEXT_LENGTH),
          replyTo: options.replyTo ?? null,
          sender: agent,
          senderKind: 'agent',
        },
        'agent',
      );
    } catch (error) {
      this.logger.error({ err: error, agent }, 'agent post failed');
      return null;
    }
  }
}
