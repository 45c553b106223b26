// The frame fuzzer: malformed frames against `/` (tRPC) and `/legacy` of a real server process, plus half-open
// connections, while a steady client chats; reports what was sent, how the server answered, and its memory.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort, type ServerProcess, startServerProcess } from '../../tests/helpers/process';
import { tempDir } from '../../tests/helpers/server';
import { type Category, malformedFrame, random } from './malformed-frames';
import { SteadyClient, type SteadyFigures } from './steady-client';

export interface FuzzOptions {
  frames: number;
  /** Concurrent fuzzing connections per endpoint. */
  connections: number;
  halfOpen: number;
  seed: number;
  steadyMinimum: number;
  log?: (line: string) => void;
}

export interface FuzzFigures {
  frames: number;
  byEndpoint: Record<'trpc' | 'legacy', number>;
  byCategory: Partial<Record<Category, number>>;
  connections: number;
  closedAsExpected: number;
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
  halfOpen: number;
  replies: number;
  serverUp: boolean;
  serverErrors: number;
  errorSamples: string[];
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  steady: SteadyFigures;
  seconds: number;
}

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
};

interface Tally {
  byEndpoint: Record<'trpc' | 'legacy', number>;
  byCategory: Partial<Record<Category, number>>;
  connections: number;
  closedAsExpected: number;
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
  replies: number;
}

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** A round trip: the server's receiver handles frames in order, so a pong means the earlier ones were read. */
const roundTrip = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    if (ws.readyState !== ws.OPEN) return resolve();
    const done = () => {
      ws.off('close', done);
      resolve();
    };
    ws.once('pong', done);
    ws.once('close', done);
    ws.ping();
  });

/** One fuzzing connection: sends its share of frames, reconnecting after each frame that must close it. */
async function fuzzWorker(
  url: string,
  endpoint: 'trpc' | 'legacy',
  share: number,
  seed: number,
  tally: Tally,
): Promise<void> {
  const rng = random(seed);
  let ws: WebSocket | null = null;
  let expectingClose = false;
  let allowedCode: number | null = null;
  const connectFresh = async () => {
    const socket = await open(url);
    tally.connections += 1;
    socket.on('message', () => {
      tally.replies += 1;
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      tally.closeCodes[code] = (tally.closeCodes[code] ?? 0) + 1;
      if (expectingClose || code === allowedCode) tally.closedAsExpected += 1;
      else tally.unexpectedCloses += 1;
    });
    // Half of the legacy connections sign in first, so chat and typing frames reach deeper code.
    if (endpoint === 'legacy' && rng() < 0.5)
      socket.send(JSON.stringify({ type: 'auth', user_id: `fuzz-${Math.floor(rng() * 1000)}` }));
    expectingClose = false;
    allowedCode = null;
    return socket;
  };
  for (let i = 0; i < share; i++) {
    if (!ws || ws.readyState !== ws.OPEN) ws = await connectFresh();
    const frame = malformedFrame(rng, endpoint);
    tally.byEndpoint[endpoint] += 1;
    tally.byCategory[frame.category] = (tally.byCategory[frame.category] ?? 0) + 1;
    if (frame.closes) {
      expectingClose = true;
      const socket = ws;
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.send(frame.data);
      await closed;
      ws = null;
      continue;
    }
    if (frame.mayClose) allowedCode = frame.mayClose;
    ws.send(frame.data, { binary: Buffer.isBuffer(frame.data) });
    if (i % 50 === 49) await roundTrip(ws);
  }
  if (ws) {
    await roundTrip(ws);
    expectingClose = true;
    ws.close();
  }
}

/** Half-open: an upgrade request cut off mid-headers, or an upgraded socket that sends half a frame. */
async function halfOpenSockets(port: number, path: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const key = randomBytes(16).toString('base64');
    if (i % 2 === 0) {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
    } else {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      // A masked text frame announcing 1,000 bytes, of which 10 ever arrive.
      socket.write(Buffer.concat([Buffer.from([0x81, 0xfe, 0x03, 0xe8]), randomBytes(4), randomBytes(10)]));
    }
    sockets.push(socket);
  }
  return sockets;
}

export async function runFrameFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  const server: ServerProcess = await startServerProcess({
    PORT: String(httpPort),
    WEBSOCKET_PORT: String(wsPort),
    DATABASE_URL: join(tempDir('ocs-fuzz-'), 'chat.db'),
    RATE_LIMIT_PER_SECOND: '0',
    WS_MAX_CONNECTIONS_PER_IP: String(options.connections * 2 + options.halfOpen + 20),
    LOG_LEVEL: 'error',
  });
  const pid = server.child.pid as number;
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  const steady = new SteadyClient(wsUrl);
  let halfOpen: Socket[] = [];
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 200);
  try {
    await steady.start();
    const rssStartMb = rssMb(pid);
    peak = rssStartMb;
    halfOpen = [
      ...(await halfOpenSockets(wsPort, '/', Math.ceil(options.halfOpen / 2))),
      ...(await halfOpenSockets(wsPort, '/legacy', Math.floor(options.halfOpen / 2))),
    ];
    steady.startSending(options.steadyMinimum);
    const tally: Tally = {
      byEndpoint: { trpc: 0, legacy: 0 },
      byCategory: {},
      connections: 0,
      closedAsExpected: 0,
      unexpectedCloses: 0,
      closeCodes: {},
      replies: 0,
    };
    const workers = options.connections * 2;
    const share = Math.ceil(options.frames / workers);
    const progress = setInterval(() => {
      const sent = tally.byEndpoint.trpc + tally.byEndpoint.legacy;
      log(`  ${sent} frames sent, server rss ${rssMb(pid)} MB`);
    }, 5000);
    try {
      await Promise.all(
        Array.from({ length: workers }, (_, i) =>
          fuzzWorker(
            i % 2 === 0 ? wsUrl : `${wsUrl}/legacy`,
            i % 2 === 0 ? 'trpc' : 'legacy',
            Math.min(share, options.frames - share * i > 0 ? share : 0),
            options.seed * 1000 + i,
            tally,
          ),
        ),
      );
    } finally {
      clearInterval(progress);
    }
    await steady.stopSending();
    const steadyFigures = await steady.verify();
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => null);
    const rssEndMb = rssMb(pid);
    // LOG_LEVEL=error: any JSON line the server logged at level 50 or above is an error.
    const errorLines = server
      .output()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    return {
      frames: tally.byEndpoint.trpc + tally.byEndpoint.legacy,
      byEndpoint: tally.byEndpoint,
      byCategory: tally.byCategory,
      connections: tally.connections,
      closedAsExpected: tally.closedAsExpected,
      unexpectedCloses: tally.unexpectedCloses,
      closeCodes: tally.closeCodes,
      halfOpen: halfOpen.length,
      replies: tally.replies,
      serverUp: server.child.exitCode === null && health?.status === 200,
      serverErrors: errorLines.length,
      errorSamples: errorLines.slice(0, 3),
      rssStartMb,
      rssPeakMb: peak,
      rssEndMb,
      steady: steadyFigures,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    clearInterval(sampler);
    for (const socket of halfOpen) socket.destroy();
    await steady.close();
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** Every figure that must be zero (or true) for the run to pass; a list of what failed. */
export function fuzzFailures(f: FuzzFigures, maxGrowthMb: number): string[] {
  const failures: string[] = [];
  if (!f.serverUp) failures.push('the server did not stay up');
  if (f.serverErrors > 0) failures.push(`the server logged ${f.serverErrors} errors`);
  if (f.unexpectedCloses > 0) failures.push(`${f.unexpectedCloses} connections closed unexpectedly`);
  if (f.steady.lost > 0) failures.push(`the steady client lost ${f.steady.lost} messages`);
  if (f.steady.duplicated > 0) failures.push(`the steady client got ${f.steady.duplicated} duplicates`);
  if (f.steady.reordered > 0) failures.push(`the steady client got ${f.steady.reordered} out of order`);
  if (f.steady.sendErrors > 0) failures.push(`${f.steady.sendErrors} of the steady client's sends failed`);
  if (f.rssPeakMb - f.rssStartMb > maxGrowthMb)
    failures.push(`server memory grew by ${f.rssPeakMb - f.rssStartMb} MB (limit ${maxGrowthMb})`);
  return failures;
}
