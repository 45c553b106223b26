// Liveness for every WebSocket with one sweep timer: tRPC's built-in keepAlive arms two timers per connection and
// re-arms them on every message, which costs memory per idle connection and CPU per message.
import type { WebSocket, WebSocketServer } from 'ws';

const ALIVE = Symbol('alive');
type Tracked = WebSocket & { [ALIVE]?: boolean };

// Shared listeners (no closure per connection): any frame or pong proves the peer is there.
function markAlive(this: Tracked): void {
  this[ALIVE] = true;
}

/**
 * Each sweep pings the sockets that were silent since the previous one and terminates those that stayed silent
 * through a whole interval after a ping (browsers answer ping control frames by themselves).
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  wss.on('connection', (socket: Tracked) => {
    socket[ALIVE] = true;
    socket.on('message', markAlive);
    socket.on('pong', markAlive);
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients as Set<Tracked>) {
      if (socket[ALIVE] === false) {
        socket.terminate();
        continue;
      }
      socket[ALIVE] = false;
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
