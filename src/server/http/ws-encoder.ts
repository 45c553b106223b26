// Wire encoder for tRPC over WebSocket that serializes each message once, not once per subscriber: the hub hands
// the same Message object to every queue, so its JSON (and a whole batch's, when subscribers drain together) is
// cached by object identity and spliced into each subscriber's small envelope.
import type { Encoder } from '@trpc/server/adapters/ws';
import type { Message } from '../../shared/message';

const messageJson = new WeakMap<Message, string>();
/** Keyed by a batch's first message: subscribers that drained the same run of messages share one string. */
const batchJson = new WeakMap<Message, { last: Message; length: number; json: string }>();

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

function encodeBatch(messages: Message[]): string {
  const first = messages[0] as Message;
  const last = messages[messages.length - 1] as Message;
  const cached = batchJson.get(first);
  if (cached && cached.last === last && cached.length === messages.length) return cached.json;
  const json = `{"messages":[${messages.map(encodeMessage).join(',')}]}`;
  batchJson.set(first, { last, length: messages.length, json });
  return json;
}

interface TrackedResult {
  result: { type: 'data'; id?: string; data: { id: string; data: { messages: Message[] } } };
}

function isBatchFrame(data: unknown): data is TrackedResult {
  const result = (data as TrackedResult | null)?.result;
  const messages = result?.type === 'data' ? result.data?.data?.messages : undefined;
  return Array.isArray(messages) && messages.length > 0 && Object.keys(result?.data.data ?? {}).length === 1;
}

export const wsEncoder: Encoder = {
  encode(data) {
    if (!isBatchFrame(data)) return JSON.stringify(data);
    const { result } = data;
    // Only the envelope (ids, type) is stringified per subscriber; the batch is spliced in.
    const envelope = { ...data, result: { ...result, data: { ...result.data, data: MARKER } } };
    return JSON.stringify(envelope).replace(QUOTED_MARKER, () => encodeBatch(result.data.data.messages));
  },
  decode(data) {
    if (typeof data !== 'string') throw new Error('binary frames are not supported: send JSON text frames');
    return JSON.parse(data);
  },
};
