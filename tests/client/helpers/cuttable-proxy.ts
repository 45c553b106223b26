// A TCP relay on 127.0.0.1 port 0 in front of a real server, whose connections a test can cut and refuse for a
// while: the network between a client and the server, the edge of the world, without stopping the server.
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableProxy {
  /** The server's ws URL, through the relay. */
  url: string;
  /** Drops every open connection; with `refuse`, new ones are dropped too until allow(). */
  cut(options?: { refuse?: boolean }): void;
  allow(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let refusing = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (refusing) return void client.destroy();
    const server = connect(Number(upstream.port), upstream.hostname);
    track(server);
    client.pipe(server).pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the relay has no port');
  const url = new URL(target);
  url.host = `127.0.0.1:${address.port}`;
  return {
    url: url.toString(),
    cut(options = {}) {
      refusing = options.refuse ?? false;
      for (const socket of sockets) socket.destroy();
    },
    allow() {
      refusing = false;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
