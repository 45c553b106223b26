// Step timings for explaining slow rounds: event-loop delay, GC pauses and (in the project) SQLite transaction and
// checkpoint times, summed per 100 ms slice of wall-clock time. The bench preloads this file into every server it
// starts (`--import`, BENCH_PROBE=stdout: one `BENCH_PROBE {json}` line per slice on stdout, from every thread that
// loads it: worker threads inherit the flag) and runs it in its own process through `startProbe`. Plain
// JavaScript, so it loads before any TypeScript loader is registered. Nothing here changes what the server does.
// With BENCH_PROBE_TRACE=1 it also follows each bench message ("bench <seq>") through the server (`ev` in the
// slices): its chat.send frame read, handed to the writer thread, its transaction (and the part of it that was
// BEGIN/COMMIT, i.e. the fsync), the commit answer back on the main thread, and its frames written to the sockets.
// Types: ./probe.d.mts.
import { writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import workerThreads, { isMainThread, threadId } from 'node:worker_threads';

export const PROBE_PREFIX = 'BENCH_PROBE ';
const SLICE_MS = 100;

const round = (n) => Math.round(n * 100) / 100;
const wall = () => performance.timeOrigin + performance.now();

let current = null;
let txDepth = 0;
let flushDue = () => {};
const tracing = process.env.BENCH_PROBE_TRACE === '1';
/** Per-message socket writes of the current slice: seq -> [first, last, count]. */
let writes = new Map();

export function startProbe(emit) {
  const fresh = () => {
    const slice = { th: threadId, t: round(wall()), loop: 0, gc: [], tx: [0, 0, 0, 0], ckpt: [] };
    if (tracing) slice.ev = [];
    return slice;
  };
  current = fresh();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      current?.gc.push([round(performance.timeOrigin + e.startTime), round(e.duration), e.detail?.kind ?? 0]);
  });
  gc.observe({ entryTypes: ['gc'] });
  const flush = () => {
    const slice = current;
    slice.loop = round(loop.max / 1e6);
    loop.reset();
    if (tracing && writes.size > 0) {
      for (const [seq, [first, last, count]] of writes) slice.ev.push(['w', seq, first, last, count]);
      writes = new Map();
    }
    current = fresh();
    emit(slice);
  };
  const timer = setInterval(flush, SLICE_MS);
  timer.unref();
  // A thread that never returns to its event loop (the checkpointer waits in Atomics.wait) runs no timer: what it
  // measures is sent from the measuring call once its slice is over.
  flushDue = () => {
    if (wall() - current.t >= SLICE_MS) flush();
  };
  return () => {
    flushDue = () => {};
    clearInterval(timer);
    loop.disable();
    gc.disconnect();
  };
}

const BENCH_SEQ = /^bench (\d+)$/;
/** The bench sequence numbers of a group's entries (messages whose text is "bench <seq>"). */
function seqsOf(batch) {
  const seqs = [];
  if (!Array.isArray(batch)) return seqs;
  for (const item of batch) {
    const match = typeof item?.text === 'string' ? BENCH_SEQ.exec(item.text) : null;
    if (match) seqs.push(Number(match[1]));
  }
  return seqs;
}
const event = (...e) => current?.ev?.push(e);

function noteTx(start, body, batch) {
  const ms = performance.now() - start;
  if (tracing) {
    // One event per group: [kind, first seq, start, total ms, body ms (the rest is BEGIN + COMMIT), size, seqs].
    const seqs = seqsOf(batch);
    if (seqs.length > 0)
      event('tx', seqs[0], round(performance.timeOrigin + start), round(ms), round(body), batch.length, seqs);
  }
  const tx = current?.tx;
  if (!tx) return;
  tx[0]++;
  tx[1] = round(tx[1] + ms);
  if (ms > tx[2]) {
    tx[2] = round(ms);
    tx[3] = round(performance.timeOrigin + start);
  }
}

/**
 * Times better-sqlite3 transactions (a group commit's fsync, and any automatic checkpoint, happen inside the
 * outermost one) and explicit checkpoint pragmas, in the thread that loads this file.
 */
function timeSqlite() {
  let Database;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3');
  } catch {
    return;
  }
  const proto = Database.prototype;
  const transaction = proto.transaction;
  proto.transaction = function (fn) {
    let body = 0;
    const timedBody = function (...args) {
      const start = performance.now();
      try {
        return fn.apply(this, args);
      } finally {
        body = performance.now() - start;
      }
    };
    const tx = transaction.call(this, tracing ? timedBody : fn);
    const wrap = (inner) =>
      function (...args) {
        const start = performance.now();
        txDepth++;
        try {
          return inner.apply(this, args);
        } finally {
          txDepth--;
          if (txDepth === 0) noteTx(start, body, args[0]);
        }
      };
    const timed = wrap(tx);
    for (const mode of ['deferred', 'immediate', 'exclusive'])
      Object.defineProperty(timed, mode, { value: wrap(tx[mode]) });
    Object.defineProperty(timed, 'default', { value: timed });
    return timed;
  };
  const isCheckpoint = (sql) => /wal_checkpoint/i.test(String(sql));
  const timeCheckpoint = (run, self, args) => {
    const start = performance.now();
    try {
      return run.apply(self, args);
    } finally {
      current?.ckpt.push([round(performance.timeOrigin + start), round(performance.now() - start)]);
      flushDue();
    }
  };
  const pragma = proto.pragma;
  proto.pragma = function (...args) {
    return isCheckpoint(args[0]) ? timeCheckpoint(pragma, this, args) : pragma.apply(this, args);
  };
  // A checkpoint may also be a prepared `PRAGMA wal_checkpoint(...)` statement.
  const prepare = proto.prepare;
  proto.prepare = function (...args) {
    const statement = prepare.apply(this, args);
    if (isCheckpoint(args[0]))
      for (const method of ['get', 'all', 'run']) {
        const run = statement[method];
        statement[method] = (...a) => timeCheckpoint(run, statement, a);
      }
    return statement;
  };
}

/**
 * Worker threads started with their own execArgv (the project's SQLite writer and checkpointer threads start with
 * none) would not load this file: every Worker the server creates gets it added to its flags.
 */
function probeWorkers() {
  const Base = workerThreads.Worker;
  class ProbedWorker extends Base {
    constructor(filename, options = {}) {
      const execArgv = options.execArgv ?? process.execArgv;
      const probed = execArgv.includes(import.meta.url)
        ? execArgv
        : [...execArgv, '--import', import.meta.url];
      super(filename, { ...options, execArgv: probed });
    }
  }
  workerThreads.Worker = ProbedWorker;
  syncBuiltinESMExports();
}

/** Seqs of the bench messages in a frame: every `"text":"bench <seq>"` it holds. */
function seqsInFrame(buffer, from = 0) {
  const seqs = [];
  const marker = '"text":"bench ';
  let at = buffer.indexOf(marker, from);
  while (at !== -1) {
    let seq = 0;
    let i = at + marker.length;
    for (; i < buffer.length && buffer[i] >= 48 && buffer[i] <= 57; i++) seq = seq * 10 + buffer[i] - 48;
    seqs.push(seq);
    at = buffer.indexOf(marker, i);
  }
  return seqs;
}

/**
 * The main thread's side of BENCH_PROBE_TRACE: a chat.send frame read from a WebSocket ('in'), a commit handed to
 * the writer thread ('hand', with the group's size) and its answer ('done'), and the message-stream frames written
 * to sockets ('w': first and last write and how many, per slice). Patched on the classes, so every server the bench
 * starts is followed the same way without knowing about it.
 */
function traceMain() {
  const require = createRequire(import.meta.url);
  try {
    const WebSocket = require('ws');
    const emit = WebSocket.prototype.emit;
    WebSocket.prototype.emit = function (name, data, ...rest) {
      if (name === 'message' && Buffer.isBuffer(data) && data.includes('chat.send')) {
        const at = round(wall());
        for (const seq of seqsInFrame(data)) event('in', seq, at);
      }
      return emit.call(this, name, data, ...rest);
    };
  } catch {}
  const Worker = workerThreads.Worker;
  const answered = [];
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.type === 'commit') {
      const seqs = seqsOf(message.batch);
      answered.push(seqs);
      const at = round(wall());
      for (const seq of seqs) event('hand', seq, at, message.batch.length);
    }
    return postMessage.call(this, message, ...rest);
  };
  const emitWorker = Worker.prototype.emit;
  Worker.prototype.emit = function (name, message, ...rest) {
    if (name === 'message' && (message?.type === 'done' || message?.type === 'failed')) {
      const at = round(wall());
      for (const seq of answered.shift() ?? []) event('done', seq, at);
    }
    return emitWorker.call(this, name, message, ...rest);
  };
  const net = require('node:net');
  const frames = new WeakMap();
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (Buffer.isBuffer(chunk) && chunk.length < 1 << 20) {
      let seqs = frames.get(chunk);
      if (seqs === undefined) {
        // Only the message stream's frames (a batch), not acknowledgements that echo a message.
        seqs = chunk.includes('{"messages":[') ? seqsInFrame(chunk) : [];
        frames.set(chunk, seqs);
      }
      if (seqs.length > 0) {
        const at = round(wall());
        for (const seq of seqs) {
          const w = writes.get(seq);
          if (w) {
            w[1] = at;
            w[2]++;
          } else writes.set(seq, [at, at, 1]);
        }
      }
    }
    return write.call(this, chunk, ...rest);
  };
}

if (process.env.BENCH_PROBE === 'stdout') {
  if (isMainThread) probeWorkers();
  if (isMainThread && tracing) traceMain();
  if (process.env.BENCH_PROBE_SQLITE === '1') timeSqlite();
  // Written straight to fd 1 (also from worker threads, whose process.stdout goes through the main thread).
  startProbe((slice) => writeSync(1, `\n${PROBE_PREFIX}${JSON.stringify(slice)}\n`));
}
