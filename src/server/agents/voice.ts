// How agents speak: every post goes through the hub as the agent; unsolicited posts pass the anti-spam limiter.
import type { Logger } from 'pino';
import { MAX_TEXT_LENGTH, type Message } from '../../shared/message';
import type { Task } from '../db/agents-repository';
import type { Hub } from '../hub/hub';
import { RoleLostError } from '../ports/leader-lease';
import type { PostLimiter } from './post-limiter';

export interface SayOptions {
  replyTo?: number | null;
  /**
   * Post in the thread of this message (a task's message: its talk lives there, issue 19); null or absent: the
   * main conversation. A message that is itself a thread reply stands for its thread (the hub files it there).
   */
  thread?: number | null;
  /** A thread post also shown in the main conversation (a task's final line). Ignored without `thread`. */
  alsoToChannel?: boolean;
  /** Help offers and progress: limited per agent. Replies to people are never dropped. */
  unsolicited?: boolean;
  /**
   * The answer to an API call made on this instance (an assignment's "on it"): posted here whichever instance runs
   * the agents. Everything else an agent says comes from the instance running them, and is fenced.
   */
  apiReply?: boolean;
}

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export class Voice {
  constructor(
    private readonly hub: Hub,
    private readonly logger: Logger,
    readonly limiter: PostLimiter,
    /** Throws RoleLostError once this instance no longer runs the agents (a stale leader must not speak). */
    private readonly fence: () => Promise<void> = async () => {},
  ) {}

  /** Posts as `agent`; returns null when the post was dropped by the limiter or could not be committed. */
  async say(agent: string, text: string, options: SayOptions = {}): Promise<Message | null> {
    if (options.unsolicited && !this.limiter.take(agent)) {
      this.logger.info({ agent, text: clip(text, 120) }, 'agent post dropped by the anti-spam limit');
      return null;
    }
    try {
      if (!options.apiReply) await this.fence();
      return await this.hub.post(
        {
          text: clip(text, MAX_TEXT_LENGTH),
          replyTo: options.replyTo ?? null,
          sender: agent,
          senderKind: 'agent',
          ...(options.thread != null
            ? { threadRoot: options.thread, ...(options.alsoToChannel ? { alsoToChannel: true } : {}) }
            : {}),
        },
        'agent',
      );
    } catch (error) {
      if (error instanceof RoleLostError)
        this.logger.warn(
          { agent, text: clip(text, 120) },
          'agent post refused: another instance runs the agents now',
        );
      else this.logger.error({ err: error, agent }, 'agent post failed');
      return null;
    }
  }

  /**
   * Posts as the task's agent in the thread of the task's message (its acknowledgement, progress, asks, help
   * requests, result); a task without one (never, since an assignment's acknowledgement becomes it) talks in the
   * main conversation.
   */
  sayAbout(
    task: Pick<Task, 'employee' | 'messageId'>,
    text: string,
    options: Omit<SayOptions, 'thread'> = {},
  ): Promise<Message | null> {
    return this.say(task.employee, text, { ...options, thread: task.messageId });
  }
}
