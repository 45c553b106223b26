// The frames of tRPC's WebSocket protocol that the connection handler reads and writes, parsed and built the way
// @trpc/server's own adapter does (same errors for malformed input, same shape for tracked events).
import {
  type CombinedDataTransformer,
  isObject,
  isTrackedEnvelope,
  parseConnectionParamsFromUnknown,
  parseTRPCMessage,
  type TRPCClientOutgoingMessage,
  TRPCError,
} from '@trpc/server/unstable-core-do-not-import';

export type ConnectionParams = Record<string, string | undefined> | null;

/** The first frame when the URL says `?connectionParams=1`: `{ method: 'connectionParams', data }`. */
export function parseConnectionParams(text: string): ConnectionParams {
  let message: unknown;
  try {
    message = JSON.parse(text);
    if (!isObject(message)) throw new Error('Message was not an object');
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'Malformed TRPCConnectionParamsMessage', cause });
  }
  return parseConnectionParamsFromUnknown(message.data);
}

/** A request frame: one message or a batch of them. Throws PARSE_ERROR for anything else. */
export function parseRequests(
  text: string,
  transformer: CombinedDataTransformer,
): TRPCClientOutgoingMessage[] {
  try {
    const json: unknown = JSON.parse(text);
    return (Array.isArray(json) ? json : [json]).map((raw) => parseTRPCMessage(raw, transformer));
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', cause });
  }
}

/** What a subscription yielded, as a result: a tracked event carries its id, so the client can resume after it. */
export function dataResult(value: unknown) {
  if (!isTrackedEnvelope(value)) return { type: 'data' as const, data: value };
  const [id, data] = value;
  return { type: 'data' as const, id, data: { id, data } };
}
