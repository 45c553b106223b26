// A WebSocket client written on a bare TCP socket, for clients that misbehave the way attackers do: it never
// answers a close frame (ws would, at once) and can stop reading its socket altogether.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

export class RawWebSocket {
  /** Text frames received, in order. */
  readonly texts: string[] = [];
  /** The close frame's code, once the server sent one (this client never answers it). */
  closeCode: number | null = null;
  /** True once the TCP connection is gone (the server destroyed or ended it). */
  ended = false;
  private pending: Buffer = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('close', () => {
      this.ended = true;
    });
    socket.on('error', () => undefined);
  }

  /** Opens `url` (ws://host:port/path?query) and completes the upgrade. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
        `Sec-WebSocket-Version: 13\r\n${extra.join('')}\r\n`,
    );
    const rest = await new Promise<Buffer>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) reject(new Error(`upgrade refused: ${status}`));
        else resolve(head.subarray(end + 4));
      };
      socket.on('data', onData);
    });
    const client = new RawWebSocket(socket);
    if (rest.length > 0) client.read(rest);
    return client;
  }

  /** Sends one masked text frame, as a client must. */
  sendText(text: string): void {
    if (this.socket.destroyed) return;
    const payload = Buffer.from(text);
    const length = payload.length;
    const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    const frame = Buffer.alloc(header + 4 + length);
    frame[0] = 0x81;
    if (header === 2) frame[1] = 0x80 | length;
    else if (header === 4) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, header);
    for (let i = 0; i < length; i++) frame[header + 4 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
    this.socket.write(frame);
  }

  /** Bytes this client wrote that TCP has not taken yet (the server stopped reading when this grows). */
  get unsent(): number {
    return this.socket.writableLength;
  }

  /** Resolves once the client's unsent bytes went out, or after `ms`, whichever is first. */
  drained(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const socket = this.socket;
      function done() {
        clearTimeout(timer);
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      }
      socket.once('drain', done);
      socket.once('close', done);
    });
  }

  /** Stops reading: the server's writes pile up in its own buffers, as with a client that never reads. */
  stopReading(): void {
    this.socket.pause();
  }

  /** Reads again (what piled up arrives, then the end of the connection if the server dropped it). */
  startReading(): void {
    this.socket.resume();
  }

  /** Drops the TCP connection without a close handshake. */
  destroy(): void {
    this.socket.destroy();
  }

  /** The parsed JSON of every text frame received so far. */
  json<T = Record<string, unknown>>(): T[] {
    return this.texts.map((t) => JSON.parse(t) as T);
  }

  private read(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const frame = this.nextFrame();
      if (!frame) return;
      if (frame.opcode === 0x1) this.texts.push(frame.payload.toString('utf8'));
      else if (frame.opcode === 0x8)
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
    }
  }

  private nextFrame(): RawFrame | null {
    const buf = this.pending;
    if (buf.length < 2) return null;
    let length = (buf[1] as number) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return null;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return null;
      length = Number(buf.readBigUInt64BE(2));
      offset = 10;
    }
    if (buf.length < offset + length) return null;
    const frame = { opcode: (buf[0] as number) & 0x0f, payload: buf.subarray(offset, offset + length) };
    this.pending = buf.subarray(offset + length);
    return frame;
  }
}
