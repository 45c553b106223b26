// Closing a WebSocket that must stop now (access revoked, a refused connection): ws waits 30 s for the peer's
// close reply before it lets go of the socket, and a client that never replies keeps its TCP connection (and
// everything the server holds for it) that long. Here the socket is destroyed after a short grace instead.

export interface Droppable {
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** Long enough for a well-behaved client's close reply to arrive on a slow link. */
export const CLOSE_GRACE_MS = 1_000;

/** Sends the close frame, then destroys the socket after `graceMs` unless the close handshake finished first. */
export function closeThenDestroy(
  socket: Droppable,
  code: number,
  reason: string,
  graceMs = CLOSE_GRACE_MS,
): void {
  socket.close(code, reason);
  // terminate() on a socket that has closed meanwhile does nothing.
  setTimeout(() => socket.terminate(), graceMs).unref();
}
