// The one path every message takes: parse -> validate -> persist -> publish. Depends on storage and the bus only.
import type { ActivityEvent } from '../../shared/activity';
import {
  type Message,
  type MessageChange,
  type Origin,
  type SenderKind,
  sendInputSchema,
} from '../../shared/message';
import { deleteInputSchema, editInputSchema, reactInputSchema } from '../../shared/message-changes';
import { parseText } from '../../shared/parse';
import type { Role } from '../auth';
import {
  type ChangeOp,
  ChangeRefusedError,
  DuplicateClientIdError,
  MissingReplyError,
  MissingThreadRootError,
  type NewMessage,
  type Repository,
} from '../db/repository';
import { DomainError } from '../domain-error';
import { MAX_SOCKET_BUFFER_BYTES } from '../limits';
import type { Bus, HubEvent } from '../ports/bus';
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
  /** Post in the thread of this message (a reply to a thread reply goes to the same root). */
  threadRoot?: unknown;
  /** A thread reply also shown in the main conversation. */
  alsoToChannel?: unknown;
}

/** A deletion as the hub did it: the tombstone, and whether it was someone else's message (an admin's act). */
export interface Deletion {
  message: Message;
  othersMessage: boolean;
}

/** The first validation issue as a DomainError a person can act on. */
function badInput(error: { issues: { path: PropertyKey[]; message: string }[] }): DomainError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'input';
  return new DomainError('BAD_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`);
}

/** The writer's refusal of a change as the error the caller sees. */
function refused(error: unknown): unknown {
  if (!(error instanceof ChangeRefusedError)) return error;
  const code =
    error.reason === 'not-found' ? 'NOT_FOUND' : error.reason === 'forbidden' ? 'FORBIDDEN' : 'BAD_REQUEST';
  return new DomainError(code, error.message);
}

export interface HubOptions {
  /** Queued messages a subscriber may fall behind by before it is disconnected. */
  maxSubscriberQueue?: number;
  /** Unsent bytes on a subscriber's socket beyond which it counts as too slow and is disconnected. */
  maxSocketBuffer?: number;
}

export class Hub {
  /**
   * Live log entries for chat.onMessage subscriptions, fed by the single bus listener below: new messages and
   * changes in one queue per subscriber, so they reach each one in id order.
   */
  readonly messages: Fanout<Message | MessageChange>;
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
    this.maxSocketBuffer = options.maxSocketBuffer ?? MAX_SOCKET_BUFFER_BYTES;
    this.activity = new Fanout(1_000);
    this.presence = new Presence((activity) => {
      // Presence says a person who left stopped typing: nothing of theirs may be sent after that.
      if (activity.type === 'typing') this.typing.forget(activity.user);
      this.bus.publish({ type: 'activity', activity });
    });
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'message') this.messages.publish(event.message);
      else if (event.type === 'change') this.messages.publish(event.change);
      else this.activity.publish(event.activity);
    });
  }

  /** Validates and commits a message, then publishes it. Rejects with DomainError on bad input; nothing is written. */
  async post(input: PostInput, origin: Origin): Promise<Message> {
    const parsed = sendInputSchema.safeParse({
      text: input.text,
      replyTo: input.replyTo,
      clientId: input.clientId,
      threadRoot: input.threadRoot,
      alsoToChannel: input.alsoToChannel,
    });
    if (!parsed.success) throw badInput(parsed.error);
    const { text, replyTo, clientId, threadRoot, alsoToChannel } = parsed.data;
    if (alsoToChannel && (threadRoot === null || threadRoot === undefined))
      throw new DomainError(
        'BAD_REQUEST',
        'alsoToChannel is for thread replies: give threadRoot too, or leave it out',
      );
    // Entry points refuse such names at sign-in already; this holds for any path that forgets to.
    if (input.senderKind === 'user' && this.reservedNames.has(input.sender))
      throw new DomainError('FORBIDDEN', reservedNameMessage(input.sender));
    const draft: NewMessage = {
      text,
      sender: input.sender,
      senderKind: input.senderKind,
      replyTo: replyTo ?? null,
      clientId: clientId ?? null,
      origin,
      ...parseText(text),
    };
    let message: Message;
    let threadChange: MessageChange | null = null;
    try {
      if (threadRoot === null || threadRoot === undefined) message = await this.repo.appendMessage(draft);
      else {
        // Plain messages keep their twelve fields: the thread's only appear on thread replies.
        const reply = alsoToChannel
          ? { ...draft, threadRoot, alsoInChannel: true as const }
          : { ...draft, threadRoot };
        ({ message, change: threadChange } = await this.repo.appendThreadReply(reply));
      }
    } catch (error) {
      if (error instanceof MissingReplyError || error instanceof MissingThreadRootError)
        throw new DomainError('BAD_REQUEST', error.message);
      if (error instanceof DuplicateClientIdError) {
        // A retry of a send that was committed (its answer lost on the way): the same message, not a new one.
        if (error.existing.text === text) return error.existing;
        throw new DomainError('BAD_REQUEST', `clientId ${clientId} was already used for a different message`);
      }
      throw error;
    }
    // Published only now, after the commit: nobody sees a message that could still be lost.
    this.bus.publish(
      input.posterRole
        ? { type: 'message', message, posterRole: input.posterRole }
        : { type: 'message', message },
    );
    // The root's reply count and last reply time: the next id of the log, after the reply.
    if (threadChange) this.bus.publish({ type: 'change', change: threadChange });
    return message;
  }

  /**
   * Edits the text of `by`'s own message: mentions and command re-parsed, then committed and published as an
   * 'edit' change (never as a new message, so an agent that answered is not asked again). NOT_FOUND, FORBIDDEN
   * (someone else's), BAD_REQUEST (deleted, or bad text). The same text again changes nothing.
   */
  async edit(input: { id: unknown; text: unknown }, by: string): Promise<Message> {
    const parsed = editInputSchema.safeParse(input);
    if (!parsed.success) throw badInput(parsed.error);
    const { id, text } = parsed.data;
    return (await this.change({ kind: 'edit', id, by, text, ...parseText(text) })).message;
  }

  /**
   * Deletes a message: one's own, or anyone's for an admin. The row stays as a tombstone (text '', deletedAt set,
   * reactions gone; its thread stays). Deleting a deleted message again changes nothing.
   */
  async delete(input: { id: unknown }, by: string, role: Role): Promise<Deletion> {
    const parsed = deleteInputSchema.safeParse(input);
    if (!parsed.success) throw badInput(parsed.error);
    const { id } = parsed.data;
    const { message } = await this.change({ kind: 'delete', id, by, asAdmin: role === 'admin' });
    return { message, othersMessage: message.sender !== by };
  }

  /** Adds (on) or takes back (off) `by`'s reaction; both idempotent. NOT_FOUND, BAD_REQUEST (deleted, not an emoji). */
  async react(input: { id: unknown; emoji: unknown; on: unknown }, by: string): Promise<Message> {
    const parsed = reactInputSchema.safeParse(input);
    if (!parsed.success) throw badInput(parsed.error);
    const { id, emoji, on } = parsed.data;
    return (await this.change({ kind: 'react', id, by, emoji, on })).message;
  }

  /**
   * Applies a change through the log and publishes it after the commit. When nothing changed, the message as it
   * is (no log entry, nothing published).
   */
  private async change(op: ChangeOp): Promise<{ message: Message; change: MessageChange | null }> {
    let change: MessageChange | null;
    try {
      change = await this.repo.applyChange(op);
    } catch (error) {
      throw refused(error);
    }
    // Published right after the await, like post(): ids reach the bus in commit order.
    if (change) {
      this.bus.publish({ type: 'change', change });
      return { message: change.message, change };
    }
    const [message] = await this.repo.getMessages([op.id]);
    if (!message) throw new DomainError('NOT_FOUND', `message ${op.id} does not exist`);
    return { message, change: null };
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
