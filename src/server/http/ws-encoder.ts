// Wire encoder for tRPC over WebSocket that serializes each message once, not once per subscriber: the hub hands
// the same Message object to every queue, so its JSON (and a whole batch's, when subscribers drain together) is
// cached by object identity. Subscribers whose frames only differ by nothing at all (@trpc/client numbers its
// requests per connection, so most subscriptions share an id) also share the finished frame, as one Buffer that ws
// writes to every socket without converting it again.
import type { Message } from '../../shared/message';

const messageJson = new WeakMap<Message, string>();

interface BatchCache {
  last: Message;
  length: number;
  json: string;
  /** Finished frames by envelope (jsonrpc, subscription id, event id). */
  frames: Map<string, Buffer>;
}
/** Keyed by a batch's first message: subscribers that drained the same run of messages share one entry. */
const batches = new WeakMap<Message, BatchCache>();

const MARKER = '__ocs_batch__';
const QUOTED_MARKER = JSON.stringify(MARKER);

function encodeMessage(message: Message): string {
  let json = messageJson.get(message);
  if (json === undefined) {
    json = JSON.stringify(message);
    messageJson.set(message, json);
  }
  return json;
}

function batchOf(messages: Message[]): BatchCache {
  const first = messages[0] as Message;
  const last = messages[messages.length - 1] as Message;
  const cached = batches.get(first);
  if (cached && cached.last === last && cached.length === messages.length) return cached;
  const json = `{"messages":[${messages.map(encodeMessage).join(',')}]}`;
  const fresh = { last, length: messages.length, json, frames: new Map() };
  batches.set(first, fresh);
  return fresh;
}

interface BatchFrame {
  id: string | number;
  jsonrpc?: string;
  result: { type: 'data'; id?: string; data: { id: string; data: { messages: Message[] } } };
}

function isBatchFrame(data: unknown): data is BatchFrame {
  const result = (data as BatchFrame | null)?.result;
  const messages = result?.type === 'data' ? result.data?.data?.messages : undefined;
  return Array.isArray(messages) && messages.length > 0 && Object.keys(result?.data.data ?? {}).length === 1;
}

export interface FrameEncoder {
  /** A text frame: a string, or a Buffer holding UTF-8 text (sent as text, never binary). */
  encode(frame: unknown): string | Buffer;
}

export const wsEncoder: FrameEncoder = {
  encode(frame) {
    if (!isBatchFrame(frame)) return JSON.stringify(frame);
    const batch = batchOf(frame.result.data.data.messages);
    const key = `${frame.jsonrpc ?? ''}|${frame.id}|${frame.result.id ?? ''}`;
    let encoded = batch.frames.get(key);
    if (encoded === undefined) {
      // Only the envelope (ids, type) is stringified; the batch is spliced in.
      const { result } = frame;
      const envelope = { ...frame, result: { ...result, data: { ...result.data, data: MARKER } } };
      encoded = Buffer.from(JSON.stringify(envelope).replace(QUOTED_MARKER, () => batch.json));
      batch.frames.set(key, encoded);
    }
    return encoded;
  },
};

const framed = new WeakMap<Buffer, Buffer>();

/**
 * The whole WebSocket text frame (RFC 6455 §5.2: FIN + text opcode, unmasked as server frames are, then the length)
 * around a shared payload, built once per payload. Written to a subscriber's socket as one buffer, it skips what ws
 * does per send (a header buffer, a two-chunk corked write and its bookkeeping), the largest allocation per
 * delivery in the fan-out. Only valid while ws's sender holds no queued frames, which is always the case here:
 * permessage-deflate is off and we never send Blobs.
 */
export function wsTextFrame(payload: Buffer): Buffer {
  let frame = framed.get(payload);
  if (frame === undefined) {
    const length = payload.length;
    const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    frame = Buffer.allocUnsafe(header + length);
    frame[0] = 0x81;
    if (header === 2) frame[1] = length;
    else if (header === 4) {
      frame[1] = 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    payload.copy(frame, header);
    framed.set(payload, frame);
  }
  return frame;
}
