// Step timings for explaining slow rounds: event-loop delay, GC pauses and (in the project) SQLite transaction and
// checkpoint times, summed per 100 ms slice of wall-clock time. The bench preloads this file into every server it
// starts (`--import`, BENCH_PROBE=stdout: one `BENCH_PROBE {json}` line per slice on stdout, from every thread that
// loads it: worker threads inherit the flag) and runs it in its own process through `startProbe`. Plain
// JavaScript, so it loads before any TypeScript loader is registered. Nothing here changes what the server does.
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

export function startProbe(emit) {
  const fresh = () => ({ th: threadId, t: round(wall()), loop: 0, gc: [], tx: [0, 0, 0, 0], ckpt: [] });
  current = fresh();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      current?.gc.push([round(performance.timeOrigin + e.startTime), round(e.duration), e.detail?.kind ?? 0]);
  });
  gc.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const slice = current;
    slice.loop = round(loop.max / 1e6);
    loop.reset();
    current = fresh();
    emit(slice);
  }, SLICE_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    loop.disable();
    gc.disconnect();
  };
}

function noteTx(start) {
  const ms = performance.now() - start;
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
    const tx = transaction.call(this, fn);
    const wrap = (inner) =>
      function (...args) {
        const start = performance.now();
        txDepth++;
        try {
          return inner.apply(this, args);
        } finally {
          txDepth--;
          if (txDepth === 0) noteTx(start);
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

if (process.env.BENCH_PROBE === 'stdout') {
  if (isMainThread) probeWorkers();
  if (process.env.BENCH_PROBE_SQLITE === '1') timeSqlite();
  // Written straight to fd 1 (also from worker threads, whose process.stdout goes through the main thread).
  startProbe((slice) => writeSync(1, `\n${PROBE_PREFIX}${JSON.stringify(slice)}\n`));
}
