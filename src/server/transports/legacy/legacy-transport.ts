// The legacy JSON endpoint (`/legacy` on the WebSocket port): old clients of the previous server keep working,
// through the hub like everyone else, so they see tRPC and Telegram users and are seen by them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { authenticate, userIdSchema } from '../../auth';
import type { Config } from '../../config';
import { DomainError } from '../../domain-error';
import { closeThenDestroy } from '../../http/ws-close';
import type { Hub } from '../../hub/hub';
import type { SendLimiter } from '../../hub/rate-limiter';
import { reservedNameMessage } from '../../hub/reserved-names';
import { MAX_PAYLOAD_BYTES, MAX_SOCKET_BUFFER_BYTES, PING_MS } from '../../limits';
import { Handlers, type MessageHandler, postThroughHub, type Transport } from '../transport';
import { changeFrame } from './change-frames';
import {
  activityFrame,
  chatMessageFrame,
  errorFrame,
  field,
  type LegacyFrame,
  parseFrame,
  pongFrame,
} from './protocol';

export const LEGACY_PATH = '/legacy';
/** Frames received and not handled yet, beyond which the connection is not read until half are done. */
const MAX_QUEUED_FRAMES = 64;

interface Session {
  user: string | null;
  role: string;
  alive: boolean;
  leave: (() => void) | null;
}

export class LegacyTransport implements Transport {
  readonly name = 'legacy' as const;
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly handlers: Handlers;
  private unsubscribe: (() => void) | null = null;
  private pinger: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { config: Config; hub: Hub; limiter: SendLimiter; logger: Logger }) {
    this.handlers = new Handlers((err) => deps.logger.error({ err }, 'legacy message handler failed'));
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  /** Set by the app once the revocation list exists: a revoked person's token is refused here too. */
  isRevoked: (user: string) => boolean = () => false;

  /** Closes the legacy sessions of `user` (access revoked); returns how many. */
  dropUser(user: string, reason: string): number {
    let dropped = 0;
    for (const [socket, session] of this.sessions) {
      if (session.user !== user) continue;
      this.revoke(socket, reason);
      dropped += 1;
    }
    return dropped;
  }

  /** Handlers get the messages legacy clients sent, after they are committed. */
  addMessageHandler(handler: MessageHandler): () => void {
    return this.handlers.add(handler);
  }

  async start(): Promise<void> {
    this.unsubscribe ??= this.deps.hub.onEvent((event) => {
      // Nothing to build or serialize while no old client is connected (the usual case, on the hot path).
      if (this.sessions.size === 0) return;
      if (event.type === 'message') this.broadcast(chatMessageFrame(event.message));
      else if (event.type === 'change') {
        const frame = changeFrame(event.change);
        if (frame) this.broadcast(frame);
      } else {
        const activity = event.activity;
        // Like the web client, nobody is told that they themselves are typing.
        const skip = activity.type === 'typing' ? activity.user : null;
        this.broadcast(activityFrame(activity), skip);
      }
    });
    this.pinger ??= setInterval(() => this.keepAlive(), PING_MS).unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = null;
    for (const socket of this.sessions.keys()) socket.close(1001, 'server stopping');
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const socket of this.sessions.keys()) socket.terminate();
  }

  /** Called by the WebSocket endpoint for upgrades on LEGACY_PATH (origin already checked). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.unsubscribe) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Delivered = committed: every legacy client (and every other side) receives it from the hub. */
  async sendMessage(text: string, senderName: string, replyTo?: number | null): Promise<boolean> {
    const message = await postThroughHub(this.deps.hub, text, senderName, replyTo, (err) =>
      this.deps.logger.warn({ err, sender: senderName }, 'legacy transport could not post'),
    );
    return message !== null;
  }

  isConnected(): boolean {
    return this.unsubscribe !== null;
  }

  status(): { connected: boolean; connections: number; users: string[] } {
    const users = new Set<string>();
    for (const session of this.sessions.values()) if (session.user) users.add(session.user);
    return { connected: this.isConnected(), connections: this.sessions.size, users: [...users].sort() };
  }

  private accept(socket: WebSocket): void {
    const session: Session = { user: null, role: 'user', alive: true, leave: null };
    this.sessions.set(socket, session);
    socket.on('pong', () => {
      session.alive = true;
    });
    socket.on('error', (err) => this.deps.logger.debug({ err }, 'legacy socket error'));
    socket.on('close', () => {
      this.sessions.delete(socket);
      session.leave?.();
    });
    // Frames of one connection are handled in order: an auth finishes before the next frame is read.
    let queue = Promise.resolve();
    let queued = 0;
    socket.on('message', (data, isBinary) => {
      // Nothing runs on a closing connection (access revoked, server stopping), whatever the client sends.
      if (socket.readyState !== socket.OPEN) return;
      const raw = isBinary ? '' : data.toString();
      // A client sending faster than its frames are handled is not read until the queue is short again.
      if (++queued >= MAX_QUEUED_FRAMES) socket.pause();
      queue = queue
        .then(() => this.onFrame(socket, session, raw))
        .catch((err) => {
          this.deps.logger.error({ err }, 'legacy frame failed');
          this.send(socket, errorFrame('internal error: the frame was not processed', 'internal'));
        })
        .finally(() => {
          if (--queued === MAX_QUEUED_FRAMES / 2 && socket.isPaused) socket.resume();
        });
    });
  }

  private async onFrame(socket: WebSocket, session: Session, raw: string): Promise<void> {
    // Checked when the frame runs, after the frames before it: a revocation in between stops it too.
    if (socket.readyState !== socket.OPEN) return;
    if (session.user && this.isRevoked(session.user)) return this.revoke(socket, 'access revoked');
    const parsed = parseFrame(raw);
    if (!parsed.ok) return this.send(socket, errorFrame(parsed.error));
    const frame = parsed.frame;
    switch (frame.type) {
      case 'ping':
        return this.send(socket, pongFrame());
      case 'auth':
        return this.auth(socket, session, frame);
      case 'chat_message':
        return this.chat(socket, session, frame);
      case 'typing':
        return this.typing(socket, session, frame);
      default:
        return this.send(
          socket,
          errorFrame(`unknown message type "${frame.type}": use auth, chat_message, typing or ping`),
        );
    }
  }

  private async auth(socket: WebSocket, session: Session, frame: LegacyFrame): Promise<void> {
    if (session.user) return this.send(socket, errorFrame(`already authenticated as ${session.user}`));
    const userId = field(frame, 'user_id', 'userId');
    const secret = this.deps.config.AUTH_SECRET;
    const refuse = (message: string) => {
      this.send(socket, errorFrame(message, 'auth_failed'));
      socket.close(4001, 'authentication failed');
    };
    let user: string;
    let role: string;
    if (secret) {
      // Token mode: the old protocol had no tokens, so old clients add one to their auth frame.
      const result = await authenticate(secret, { token: field(frame, 'token') });
      if (!result.user) return refuse(`auth failed: ${result.error}`);
      if (typeof userId === 'string' && userId !== '' && userId !== result.user.id)
        return refuse(`auth failed: user_id ${userId} does not match the token (${result.user.id})`);
      if (this.isRevoked(result.user.id))
        return refuse(`auth failed: access revoked: ${result.user.id} was removed by an admin`);
      [user, role] = [result.user.id, result.user.role];
    } else {
      if (typeof userId !== 'string' || userId.trim() === '')
        return refuse('auth failed: user_id is empty: send {"type":"auth","user_id":"<your name>"}');
      const valid = userIdSchema.safeParse(userId.trim());
      if (!valid.success)
        return refuse(`auth failed: ${valid.error.issues[0]?.message ?? 'invalid user_id'}`);
      const wanted = field(frame, 'role');
      user = valid.data;
      role = wanted === 'admin' ? 'admin' : 'user';
    }
    // Employees' names are theirs alone (issue 14), whatever the token or the chosen name says.
    if (this.deps.hub.reservedNames.has(user)) return refuse(`auth failed: ${reservedNameMessage(user)}`);
    if (socket.readyState !== socket.OPEN) return;
    session.user = user;
    session.role = role;
    session.leave = this.deps.hub.presence.connect(user);
    this.send(socket, {
      type: 'auth_success',
      user_id: user,
      role,
      data: { user_id: user, role, online_users: this.deps.hub.presence.onlineUsers() },
      timestamp: new Date().toISOString(),
    });
  }

  private async chat(socket: WebSocket, session: Session, frame: LegacyFrame): Promise<void> {
    const user = session.user;
    if (!user) return this.send(socket, errorFrame('authenticate first: send {"type":"auth","user_id":"…"}'));
    // Legacy clients are scripts and old bots: they also get the stricter bulk limit.
    const taken = await this.deps.limiter.take(user, 'bulk');
    if (!taken.ok)
      return this.send(
        socket,
        errorFrame(`sending too fast: wait ${Math.ceil(taken.retryAfterMs / 1000)} s`, 'rate_limited'),
      );
    const text = field(frame, 'text', 'message', 'content');
    const replyTo = field(frame, 'reply_to', 'replyTo') ?? null;
    try {
      const message = await this.deps.hub.post({ text, replyTo, sender: user, senderKind: 'user' }, 'legacy');
      this.handlers.emit(message);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.send(socket, errorFrame(error.message, error.code.toLowerCase()));
    }
  }

  private typing(socket: WebSocket, session: Session, frame: LegacyFrame): void {
    const isTyping = field(frame, 'is_typing', 'isTyping', 'typing');
    if (!session.user)
      this.send(socket, errorFrame('authenticate first: send {"type":"auth","user_id":"…"}'));
    else if (typeof isTyping !== 'boolean')
      this.send(socket, errorFrame('typing needs "is_typing": true or false'));
    else this.deps.hub.setTyping(session.user, isTyping);
  }

  private broadcast(frame: object, skipUser: string | null = null): void {
    const data = JSON.stringify(frame);
    for (const [socket, session] of this.sessions) {
      if (!session.user || session.user === skipUser || socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
        this.deps.logger.warn({ user: session.user }, 'legacy client fell too far behind; dropping it');
        socket.terminate();
        continue;
      }
      socket.send(data);
    }
  }

  private send(socket: WebSocket, frame: object): void {
    if (socket.readyState !== socket.OPEN) return;
    // Answers count against the same limit as broadcasts: a client that never reads them is dropped.
    if (socket.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  /** Tells the client why, closes with 4003 and destroys the socket if the client does not close its side. */
  private revoke(socket: WebSocket, reason: string): void {
    this.send(socket, errorFrame(reason, 'access_revoked'));
    closeThenDestroy(socket, 4003, reason);
  }

  private keepAlive(): void {
    for (const [socket, session] of this.sessions) {
      if (!session.alive) {
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
    }
  }
}
