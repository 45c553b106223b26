// Tells a client breaking the WebSocket protocol (a frame over maxPayload, invalid UTF-8, a bad opcode) apart from
// a failure of ours: ws reports both through the socket's error event.

/** ws tags its protocol errors with a code starting WS_ERR_ (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH). */
export function isClientProtocolError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('WS_ERR_')) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
