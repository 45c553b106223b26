// tRPC over WebSocket with one small object per connection. It speaks the wire protocol of @trpc/server's
// applyWSSHandler (so @trpc/client's createWSClient/wsLink work unchanged: connectionParams, batched requests,
// subscriptions with tracked ids, subscription.stop, PING/PONG, the reconnect notice) and calls procedures through
// tRPC's own callProcedure, so middlewares, validation and error shapes are tRPC's. What differs is the state kept:
// applyWSSHandler holds ~8 KB per connection (closures, the upgrade request, an AbortController per request) and
// ~9.5 KB per subscription (race helpers, iterator resources); here a connection is one object with prototype
// methods, and a subscription one AbortController and one pump. Frames written in one tick also leave in one
// socket write (cork), so the 32 acknowledgements of a batch of sends cost one syscall, not 32.
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
import type { RawData, WebSocket } from 'ws';
import { type ConnectionParams, dataResult, parseConnectionParams, parseRequests } from './trpc-ws-messages';
import { type FrameEncoder, wsTextFrame } from './ws-encoder';

type CallType = 'query' | 'mutation' | 'subscription';
type Id = string | number;
type Jsonrpc = '2.0' | undefined;

export interface RpcErrorReport {
  error: TRPCError;
  path: string | undefined;
  type: CallType | 'unknown';
}

export interface RpcOptions<TContext> {
  router: AnyRouter;
  encoder: FrameEncoder;
  /** Builds the connection's context once, from its connectionParams (null when the client sends none). */
  createContext(socket: WebSocket, connectionParams: ConnectionParams): Promise<TContext>;
  onError(report: RpcErrorReport): void;
}

const OPEN = 1;
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
  corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: RpcOptions<TContext>,
    awaitParams: boolean,
  ) {
    this.ready = awaitParams ? null : this.start(null);
  }

  receive(data: RawData, isBinary: boolean): void {
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
    for (const [index, message] of messages.entries()) this.handle(message, index);
  }

  closed(): void {
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
    // ws keeps the net.Socket as `_socket`.
    const raw = (this.socket as unknown as { _socket?: Socket })._socket;
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
