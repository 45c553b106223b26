// One client thread of the benchmark: opens its share of the subscribers with the same driver code as the main
// thread and reports each delivery (subscriber, sequence number, arrival time on the shared wall clock) in batches.
import { parentPort, workerData } from 'node:worker_threads';
import { type ClientKind, driverFor } from './drivers';

export interface ThreadSetup {
  kind: ClientKind;
  urls: string[];
  /** One token per subscriber of this thread (project only). */
  tokens: string[];
  /** Index of this thread's first subscriber among all of them. */
  offset: number;
  count: number;
}

const setup = workerData as ThreadSetup;
const port = parentPort;
if (!port) throw new Error('client-thread.ts runs as a worker thread');
const driver = driverFor(
  setup.kind,
  setup.urls,
  async (user) => setup.tokens[Number(user.slice('sub'.length))] ?? '',
);

let pending: number[] = [];
const flush = () => {
  if (pending.length === 0) return;
  const data = Float64Array.from(pending);
  pending = [];
  port.postMessage({ type: 'deliveries', data }, [data.buffer]);
};
const timer = setInterval(flush, 5);
await driver.subscribe(setup.count, (i, seq) => {
  pending.push(setup.offset + i, seq, performance.timeOrigin + performance.now());
});
port.postMessage({ type: 'ready' });
port.on('message', async (message) => {
  if (message !== 'close') return;
  flush();
  clearInterval(timer);
  await driver.close();
  port.close();
});
