// The one path every message takes: parse -> validate -> persist -> publish. Depends on storage and the bus only.
import type { ActivityEvent } from '../../shared/activity';
import { type Message, type Origin, type SenderKind, sendInputSchema } from '../../shared/message';
import { parseText } from '../../shared/parse';
import type { Role } from '../auth';
import { DuplicateClientIdError, MissingReplyError, type Repository } from '../db/repository';
import type { Bus, HubEvent } from '../ports/bus';
import { ChatError } from './errors';
import { Fanout } from './fanout';
import { Presence } from './presence';
import { ReservedNames, reservedNameMessage } from './reserved-names';
import { TypingGate } from './typing';

export interface PostInput {
  text: unknown;
  replyTo?: unknown;
  /** Idempotency key: a retry with the same sender and clientId returns the first copy, published once. */
  clientId?: unknown;
  sender: string;
  senderKind: SenderKind;
  /** The poster's role when an authenticated call posts (see HubEvent); only ever on the published event. */
  posterRole?: Role;
}

export interface HubOptions {
  /** Queued messages a subscriber may fall behind by before it is disconnected. */
  maxSubscriberQueue?: number;
  /** Unsent bytes on a subscriber's socket beyond which it counts as too slow and is disconnected. */
  maxSocketBuffer?: number;
}

export class Hub {
  /** Live messages for chat.onMessage subscriptions, fed by the single bus listener below. */
  readonly messages: Fanout<Message>;
  readonly activity: Fanout<ActivityEvent>;
  readonly presence: Presence;
  /** Employees' names: no person's message is committed under one. */
  readonly reservedNames = new ReservedNames();
  readonly maxSocketBuffer: number;
  /** Typing events, a few a second per person at most. */
  private readonly typing = new TypingGate((user, isTyping) =>
    this.publishActivity({ type: 'typing', user, isTyping, at: new Date().toISOString() }),
  );
  private readonly unsubscribe: () => void;

  constructor(
    readonly repo: Repository,
    readonly bus: Bus,
    options: HubOptions = {},
  ) {
    this.messages = new Fanout(options.maxSubscriberQueue ?? 10_000);
    this.maxSocketBuffer = options.maxSocketBuffer ?? 8 * 1024 * 1024;
    this.activity = new Fanout(1_000);
    this.presence = new Presence((activity) => {
      // Presence says a person who left stopped typing: nothing of theirs may be sent after that.
      if (activity.type === 'typing') this.typing.forget(activity.user);
      this.bus.publish({ type: 'activity', activity });
    });
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'message') this.messages.publish(event.message);
      else this.activity.publish(event.activity);
    });
  }

  /** Validates and commits a message, then publishes it. Rejects with ChatError on bad input; nothing is written. */
  async post(input: PostInput, origin: Origin): Promise<Message> {
    const parsed = sendInputSchema.safeParse({
      text: input.text,
      replyTo: input.replyTo,
      clientId: input.clientId,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'input';
      throw new ChatError('BAD_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`);
    }
    const { text, replyTo, clientId } = parsed.data;
    // Entry points refuse such names at sign-in already; this holds for any path that forgets to.
    if (input.senderKind === 'user' && this.reservedNames.has(input.sender))
      throw new ChatError('FORBIDDEN', reservedNameMessage(input.sender));
    let message: Message;
    try {
      message = await this.repo.appendMessage({
        text,
        sender: input.sender,
        senderKind: input.senderKind,
        replyTo: replyTo ?? null,
        clientId: clientId ?? null,
        origin,
        ...parseText(text),
      });
    } catch (error) {
      if (error instanceof MissingReplyError) throw new ChatError('BAD_REQUEST', error.message);
      if (error instanceof DuplicateClientIdError) {
        // A retry of a send that was committed (its answer lost on the way): the same message, not a new one.
        if (error.existing.text === text) return error.existing;
        throw new ChatError('BAD_REQUEST', `clientId ${clientId} was already used for a different message`);
      }
      throw error;
    }
    // Published only now, after the commit: nobody sees a message that could still be lost.
    this.bus.publish(
      input.posterRole
        ? { type: 'message', message, posterRole: input.posterRole }
        : { type: 'message', message },
    );
    return message;
  }

  publishActivity(activity: ActivityEvent): void {
    this.bus.publish({ type: 'activity', activity });
  }

  setTyping(user: string, isTyping: boolean): void {
    this.typing.set(user, isTyping);
  }

  /** For in-process consumers (agents, transports, metrics): every event after commit, in id order. */
  onEvent(listener: (event: HubEvent) => void): () => void {
    return this.bus.subscribe(listener);
  }

  close(): void {
    this.typing.close();
    this.unsubscribe();
  }
}
