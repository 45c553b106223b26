// tRPC over WebSocket with one small object per connection. It speaks the wire protocol of @trpc/server's
// applyWSSHandler (so @trpc/client's createWSClient/wsLink work unchanged: connectionParams, batched requests,
// subscriptions with tracked ids, subscription.stop, PING/PONG, the reconnect notice) and calls procedures through
// tRPC's own callProcedure, so middlewares, validation and error shapes are tRPC's. What differs is the state kept:
// applyWSSHandler holds ~8 KB per connection (closures, the upgrade request, an AbortController per request) and
// ~9.5 KB per subscription (race helpers, iterator resources); here a connection is one object with prototype
// methods, and a subscription one AbortController and one pump. Frames written in one tick also leave in one
// socket write (cork), so the 32 acknowledgements of a batch of sends cost one syscall, not 32.
// What one client may hold here is bounded (RpcLimits): calls per frame, live subscriptions, calls in progress and
// unsent bytes; a connection that stops reading its answers is not read either, and nothing runs on a connection
// that is closing or whose user lost access.
// The trade: it leans on tRPC's internal exports and on ws's private `_socket`, and writes whole frames itself, which
// is only valid while permessage-deflate is off; serveTrpcOn refuses to start otherwise, and the protocol suite
// (tests/server/http/trpc-ws-connection.test.ts) runs against it and against tRPC's applyWSSHandler (WS_HANDLER).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TRPCResponseMessage } from '@trpc/server/rpc';
import {
  type AnyRouter,
  callProcedure,
  defaultTransformer,
  getErrorShape,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  type TRPCClientOutgoingMessage,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { MAX_SOCKET_BUFFER_BYTES } from '../limits';
import { type ConnectionParams, dataResult, parseConnectionParams, parseRequests } from './trpc-ws-messages';
import { closeThenDestroy } from './ws-close';
import { type FrameEncoder, wsTextFrame } from './ws-encoder';

type CallType = 'query' | 'mutation' | 'subscription';
type Id = string | number;
type Jsonrpc = '2.0' | undefined;

export interface RpcErrorReport {
  error: TRPCError;
  path: string | undefined;
  type: CallType | 'unknown';
}

export interface RpcLimits {
  /** Calls in one frame (@trpc/client sends everything queued in one tick as one batch). */
  maxBatch: number;
  /** Live subscriptions on one connection: a client needs a handful. */
  maxSubscriptions: number;
  /** Calls started and not answered yet; beyond it, the connection's frames are not read until some finish. */
  maxPending: number;
  /** Unsent bytes beyond which the connection's frames are not read until its socket drains. */
  pauseAboveBytes: number;
  /** Unsent bytes beyond which the client counts as not reading at all and is disconnected. */
  maxBufferedBytes: number;
}

export const DEFAULT_RPC_LIMITS: RpcLimits = {
  maxBatch: 50,
  maxSubscriptions: 32,
  maxPending: 50,
  pauseAboveBytes: 1024 * 1024,
  maxBufferedBytes: MAX_SOCKET_BUFFER_BYTES,
};

export interface RpcOptions<TContext> {
  router: AnyRouter;
  encoder: FrameEncoder;
  /** Builds the connection's context once, from its connectionParams (null when the client sends none). */
  createContext(socket: WebSocket, connectionParams: ConnectionParams): Promise<TContext>;
  onError(report: RpcErrorReport): void;
  /**
   * Checked before every call: why the connection's user may no longer act (access revoked since the context
   * was built), or null. A refused call is answered with the error and the connection is closed with 4003.
   */
  revoked?(ctx: TContext): TRPCError | null;
  limits?: RpcLimits;
}

const OPEN = 1;
/** Close code for a connection whose user lost access (the client's reconnect is then refused by its context). */
export const CLOSE_REVOKED = 4003;
/** Encoded frames may be Buffers of UTF-8 JSON: they still go out as text frames. */
const TEXT = { binary: false } as const;
const CONNECTION = Symbol('rpc connection');
type Attached = WebSocket & { [CONNECTION]?: RpcConnection<unknown> };

// Shared listeners (no closure per connection), as in ./heartbeat.ts.
function onMessage(this: Attached, data: RawData, isBinary: boolean): void {
  this[CONNECTION]?.receive(data, isBinary);
}
function onClose(this: Attached): void {
  this[CONNECTION]?.closed();
}
/** A factory, not an inline arrow property: tsx would give that arrow a name dictionary (256 bytes) per call. */
function rawInput(input: unknown): () => Promise<unknown> {
  return () => Promise.resolve(input);
}
function uncork(socket: Socket, connection: RpcConnection<unknown>): void {
  connection.corked = false;
  socket.uncork();
}
function onDrain(this: Socket & { [CONNECTION]?: RpcConnection<unknown> }): void {
  const connection = this[CONNECTION];
  if (!connection) return;
  connection.awaitingDrain = false;
  connection.wake();
}
/** ws keeps the net.Socket as `_socket`. */
function rawSocket(socket: WebSocket): (Socket & { [CONNECTION]?: RpcConnection<unknown> }) | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}
/** What a request frame asks for, as a call type for error shapes. */
function callType(method: string): CallType | 'unknown' {
  return method === 'query' || method === 'mutation' || method === 'subscription' ? method : 'unknown';
}

/**
 * Why `wss` cannot carry the frames this handler writes itself, or null. A whole frame written to the TCP socket
 * bypasses ws's sender: with permessage-deflate on, the sender queues frames while it compresses (a raw frame would
 * overtake them) and marks compressed ones with RSV1 (ours are not), so clients would get frames out of order.
 */
export function rawFramesRefusal(wss: WebSocketServer): string | null {
  const deflate = wss.options.perMessageDeflate;
  if (deflate === false || deflate === undefined) return null;
  return 'the lean tRPC WebSocket handler writes whole frames to the socket itself, which is only valid with permessage-deflate off: create the WebSocketServer with perMessageDeflate: false, or set WS_HANDLER=trpc';
}

/**
 * Serves tRPC on every connection of `wss`. Throws (at start-up) when the server's options break what the frame
 * writing below relies on; `onConnection` runs first, for what every connection needs before tRPC (error listener,
 * upgrade request notes).
 */
export function serveTrpcOn<TContext>(
  wss: WebSocketServer,
  options: RpcOptions<TContext>,
  onConnection: (socket: WebSocket, req: IncomingMessage) => void,
): void {
  const refusal = rawFramesRefusal(wss);
  if (refusal) throw new Error(refusal);
  wss.on('connection', (socket, req: IncomingMessage) => {
    onConnection(socket, req);
    // @trpc/client sends its connectionParams as the first frame when the URL says so.
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams.get('connectionParams');
    serveTrpc(socket, options, params === '1');
  });
}

/** Serves tRPC on an accepted socket; `awaitParams` when the URL says `?connectionParams=1`. */
export function serveTrpc<TContext>(
  socket: WebSocket,
  options: RpcOptions<TContext>,
  awaitParams: boolean,
): void {
  const connection = new RpcConnection(socket, options as RpcOptions<unknown>, awaitParams);
  (socket as Attached)[CONNECTION] = connection;
  socket.on('message', onMessage);
  // 'close' fires once anyway; once() would add a wrapper and a state object per connection.
  socket.on('close', onClose);
}

/** The notice that makes @trpc/client reconnect at once (sent before a restart). */
export const RECONNECT_NOTICE = { id: null, method: 'reconnect' } as const;

class RpcConnection<TContext> {
  private ctx: TContext | undefined;
  /** Settles with the context's failure (null when it was built); null until connectionParams arrive. */
  private ready: Promise<TRPCError | null> | null;
  /** Live subscriptions by request id. A connection has one or two: a short list is lighter than a Map. */
  private subscriptions: { id: Id; controller: AbortController }[] | null = null;
  /** Calls started and not answered yet (subscriptions until they have started). */
  private pending = 0;
  /** Subscriptions asked for and not started or refused yet: they count against the cap like live ones. */
  private starting = 0;
  /**
   * Frames that arrived while reading is paused (ws hands over what it had already read), in order; null while
   * reading. Bounded by what ws read before the pause: one socket read, at most a few frames.
   */
  private backlog: { data: RawData; isBinary: boolean }[] | null = null;
  awaitingDrain = false;
  corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: RpcOptions<TContext>,
    awaitParams: boolean,
  ) {
    this.ready = awaitParams ? null : this.start(null);
  }

  private get limits(): RpcLimits {
    return this.options.limits ?? DEFAULT_RPC_LIMITS;
  }

  receive(data: RawData, isBinary: boolean): void {
    // Nothing runs on a closing connection (access revoked, refused, server stopping), whatever the client sends.
    if (this.socket.readyState !== OPEN) return;
    if (this.backlog !== null) {
      this.backlog.push({ data, isBinary });
      return;
    }
    this.process(data, isBinary);
    this.throttle();
  }

  /** Resumes reading once the calls in progress and the unsent bytes are back under their limits. */
  wake(): void {
    if (this.backlog === null || this.socket.readyState !== OPEN) return;
    if (this.pending >= this.limits.maxPending) return; // the next call to finish wakes it again
    if (this.socket.bufferedAmount > this.limits.pauseAboveBytes) {
      this.awaitDrain();
      return;
    }
    const backlog = this.backlog;
    this.backlog = null;
    this.socket.resume();
    for (const [index, frame] of backlog.entries()) {
      if (this.backlog !== null) {
        // Paused again part-way: the rest waits, still ahead of anything read later.
        (this.backlog as { data: RawData; isBinary: boolean }[]).push(...backlog.slice(index));
        return;
      }
      this.process(frame.data, frame.isBinary);
      this.throttle();
    }
  }

  /**
   * Stops reading this connection's frames while it has too many calls in progress or too many unsent bytes:
   * answers to a client that does not read them would only pile up in memory. TCP then holds the client back.
   */
  private throttle(): void {
    const over = this.socket.bufferedAmount > this.limits.pauseAboveBytes;
    if (this.backlog === null) {
      if (!over && this.pending < this.limits.maxPending) return;
      this.backlog = [];
      this.socket.pause();
    }
    if (over) this.awaitDrain();
  }

  private awaitDrain(): void {
    const raw = rawSocket(this.socket);
    if (!raw) return;
    if (this.awaitingDrain) return;
    this.awaitingDrain = true;
    raw[CONNECTION] = this as RpcConnection<unknown>;
    raw.once('drain', onDrain);
  }

  private process(data: RawData, isBinary: boolean): void {
    if (isBinary || !Buffer.isBuffer(data)) {
      const message = 'binary frames are not supported: send JSON text frames';
      this.fail(null, undefined, new TRPCError({ code: 'PARSE_ERROR', message }), 'unknown', undefined);
      return;
    }
    const text = data.toString('utf8');
    if (text === 'PING') {
      this.send('PONG');
      return;
    }
    if (text === 'PONG') return;
    if (this.ready === null) {
      this.ready = this.start(text);
      return;
    }
    let messages: TRPCClientOutgoingMessage[];
    try {
      messages = parseRequests(text, this.options.router._def._config.transformer);
    } catch (error) {
      this.fail(null, undefined, error as TRPCError, 'unknown', undefined);
      return;
    }
    if (messages.length > this.limits.maxBatch) {
      this.refuseBatch(messages);
      return;
    }
    if (this.pending > 0 && this.pending + messages.length > this.limits.maxPending) {
      // It would take the calls in progress past the limit: it waits, first in line, until enough have finished.
      this.backlog = [{ data, isBinary }];
      this.socket.pause();
      return;
    }
    for (const [index, message] of messages.entries()) this.handle(message, index);
  }

  /** A batch over the limit is refused whole (nothing of it runs), each call with the reason. */
  private refuseBatch(messages: TRPCClientOutgoingMessage[]): void {
    const message = `a frame may hold at most ${this.limits.maxBatch} calls and this one has ${messages.length}: send them in smaller batches`;
    const error = new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message });
    for (const request of messages) {
      const path = request.method === 'subscription.stop' ? undefined : request.params.path;
      this.fail(request.id, request.jsonrpc, error, callType(request.method), path);
    }
  }

  closed(): void {
    this.backlog = null;
    const subscriptions = this.subscriptions;
    this.subscriptions = null;
    if (subscriptions) for (const { controller } of subscriptions) controller.abort();
  }

  private async start(paramsText: string | null): Promise<TRPCError | null> {
    try {
      const params = paramsText === null ? null : parseConnectionParams(paramsText);
      this.ctx = await this.options.createContext(this.socket, params);
      return null;
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      this.fail(null, undefined, error, 'unknown', undefined);
      setImmediate(() => this.socket.close());
      return error;
    }
  }

  private handle(message: TRPCClientOutgoingMessage, batchIndex: number): void {
    const { id, jsonrpc } = message;
    if (id === null) {
      const error = new TRPCError({ code: 'PARSE_ERROR', message: '`id` is required' });
      this.fail(null, jsonrpc, error, 'unknown', undefined);
      return;
    }
    if (message.method === 'subscription.stop') {
      this.stop(id, jsonrpc);
      return;
    }
    const { path, lastEventId } = message.params;
    let { input } = message.params;
    if (lastEventId !== undefined)
      input = isObject(input) ? { ...input, lastEventId } : (input ?? { lastEventId });
    if (message.method === 'subscription') {
      const { maxSubscriptions } = this.limits;
      if ((this.subscriptions?.length ?? 0) + this.starting >= maxSubscriptions) {
        const error = new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `this connection already has ${maxSubscriptions} subscriptions (the limit): stop one before starting another`,
        });
        this.fail(id, jsonrpc, error, 'subscription', path, input);
        return;
      }
      this.starting += 1;
    }
    this.pending += 1;
    void this.call(id, jsonrpc, message.method, path, input, batchIndex);
  }

  private async call(
    id: Id,
    jsonrpc: Jsonrpc,
    type: CallType,
    path: string,
    input: unknown,
    batchIndex: number,
  ) {
    try {
      const failed = await this.ready;
      if (failed) throw failed;
      // Checked when the call runs, not when it arrived: a revocation in between stops it too.
      if (this.socket.readyState !== OPEN) return;
      const revoked = this.options.revoked?.(this.ctx as TContext);
      if (revoked) {
        this.fail(id, jsonrpc, revoked, type, path, input);
        closeThenDestroy(this.socket, CLOSE_REVOKED, 'access revoked');
        return;
      }
      const controller = type === 'subscription' ? new AbortController() : null;
      const result: unknown = await callProcedure({
        router: this.options.router,
        path,
        getRawInput: rawInput(input),
        ctx: this.ctx,
        type,
        signal: controller?.signal,
        batchIndex,
      });
      if (controller === null) {
        if (isAsyncIterable(result)) {
          const message = `Cannot return an async iterable from a ${type} procedure with WebSockets`;
          throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message });
        }
        return this.respond({ id, jsonrpc, result: { type: 'data', data: result } });
      }
      if (!isAsyncIterable(result)) {
        const message = `Subscription ${path} did not return an AsyncGenerator`;
        throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message });
      }
      if (this.socket.readyState !== OPEN) return controller.abort();
      this.subscriptions ??= [];
      if (this.subscriptions.some((s) => s.id === id)) {
        controller.abort();
        throw new TRPCError({ code: 'BAD_REQUEST', message: `Duplicate id ${id}` });
      }
      this.subscriptions.push({ id, controller });
      this.respond({ id, jsonrpc, result: { type: 'started' } });
      void this.pump(id, jsonrpc, result, controller, path, input);
    } catch (cause) {
      this.fail(id, jsonrpc, getTRPCErrorFromUnknown(cause), type, path, input);
    } finally {
      this.pending -= 1;
      if (type === 'subscription') this.starting -= 1;
      if (this.backlog !== null) this.wake();
    }
  }

  /**
   * Forwards what the generator yields until it ends, fails or is stopped. Our subscriptions end on their
   * `signal`, so a stop or a closed socket ends the loop at once; a yield after that is not sent.
   */
  private async pump(
    id: Id,
    jsonrpc: Jsonrpc,
    iterable: AsyncIterable<unknown>,
    controller: AbortController,
    path: string,
    input: unknown,
  ) {
    const iterator = iterable[Symbol.asyncIterator]();
    const { signal } = controller;
    try {
      while (true) {
        const next = await iterator.next();
        if (next.done) break;
        if (signal.aborted) {
          await iterator.return?.();
          break;
        }
        // A listener who lost access gets nothing more either, even if it never sends another frame.
        const revoked = this.options.revoked?.(this.ctx as TContext);
        if (revoked) {
          this.fail(id, jsonrpc, revoked, 'subscription', path, input);
          closeThenDestroy(this.socket, CLOSE_REVOKED, 'access revoked');
          await iterator.return?.();
          break;
        }
        this.respond({ id, jsonrpc, result: dataResult(next.value) });
      }
    } catch (cause) {
      if (!signal.aborted)
        this.fail(id, jsonrpc, getTRPCErrorFromUnknown(cause), 'subscription', path, input);
    }
    if (this.release(id, controller)) this.respond({ id, jsonrpc, result: { type: 'stopped' } });
  }

  private stop(id: Id, jsonrpc: Jsonrpc): void {
    const controller = this.subscriptions?.find((s) => s.id === id)?.controller;
    if (!controller) return;
    this.release(id, controller);
    controller.abort();
    this.respond({ id, jsonrpc, result: { type: 'stopped' } });
  }

  /** Forgets a subscription if it is still the live one under `id`; false if it already ended. */
  private release(id: Id, controller: AbortController): boolean {
    const index = this.subscriptions?.findIndex((s) => s.id === id && s.controller === controller) ?? -1;
    if (index === -1) return false;
    this.subscriptions?.splice(index, 1);
    return true;
  }

  private fail(
    id: Id | null,
    jsonrpc: Jsonrpc,
    error: TRPCError,
    type: CallType | 'unknown',
    path: string | undefined,
    input?: unknown,
  ): void {
    this.options.onError({ error, path, type });
    const config = this.options.router._def._config;
    this.respond({ id, jsonrpc, error: getErrorShape({ config, error, type, path, input, ctx: this.ctx }) });
  }

  private respond(message: TRPCResponseMessage): void {
    const config = this.options.router._def._config;
    // Without a data transformer (ours) the response is already what goes on the wire.
    const frame =
      config.transformer === defaultTransformer ? message : transformTRPCResponse(config, message);
    this.send(this.options.encoder.encode(frame));
  }

  private send(frame: string | Buffer): void {
    if (this.socket.readyState !== OPEN) return;
    // The limit on unsent bytes holds for every frame, answers as well as subscription data.
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.socket.terminate();
      return;
    }
    const raw = rawSocket(this.socket);
    if (raw && Buffer.isBuffer(frame)) {
      // A frame shared by subscribers: written whole, in one write (after this tick's corked frames, if any).
      raw.write(wsTextFrame(frame));
      return;
    }
    if (!this.corked) {
      // Corking the socket until the tick ends joins this tick's frames (a batch's acknowledgements) in one write.
      if (raw) {
        this.corked = true;
        raw.cork();
        process.nextTick(uncork, raw, this);
      }
    }
    this.socket.send(frame, TEXT);
  }
}
