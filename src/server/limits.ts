// Size and time limits the server's endpoints share: defined once here, imported where they apply.

/** The biggest thing a client may send at once: a WebSocket frame (tRPC, legacy) or an HTTP body (tRPC, REST). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Unsent bytes beyond which a subscriber counts as too slow and is dropped (tRPC streams, legacy clients). */
export const MAX_SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;
/** Silent sockets are pinged every PING_MS and dropped after a whole interval without an answer. */
export const PING_MS = 30_000;
