// Subscribers spread over worker threads, so one client process does not deliver 100 connections' frames one
// after the other (real clients each have their own machine). Deliveries carry their arrival time on the wall
// clock shared by all threads (performance.timeOrigin + now), converted back to the main thread's clock.
import { Worker } from 'node:worker_threads';
import type { ThreadSetup } from './client-thread';
import type { Driver } from './drivers';

export function threadedDriver(
  inProcess: Driver,
  setup: { kind: ThreadSetup['kind']; urls: string[]; token: (user: string) => Promise<string> },
  threads: number,
): Driver {
  const workers: Worker[] = [];
  return {
    name: inProcess.name,
    async subscribe(n, onSeq) {
      const share = Math.ceil(n / threads);
      await Promise.all(
        Array.from({ length: threads }, async (_, t) => {
          const offset = t * share;
          const count = Math.min(share, n - offset);
          if (count <= 0) return;
          const tokens =
            setup.kind === 'project'
              ? await Promise.all(Array.from({ length: count }, (_, i) => setup.token(`sub${offset + i}`)))
              : [];
          const workerData: ThreadSetup = { kind: setup.kind, urls: setup.urls, tokens, offset, count };
          const worker = new Worker(new URL('./client-thread-entry.mjs', import.meta.url), { workerData });
          workers.push(worker);
          await new Promise<void>((resolve, reject) => {
            worker.on('message', (message: { type: string; data?: Float64Array }) => {
              if (message.type === 'ready') resolve();
              const data = message.data;
              if (!data) return;
              for (let k = 0; k < data.length; k += 3)
                onSeq(
                  data[k] as number,
                  data[k + 1] as number,
                  (data[k + 2] as number) - performance.timeOrigin,
                );
            });
            worker.once('error', reject);
          });
        }),
      );
    },
    sender: () => inProcess.sender(),
    senderGroup: (count) => inProcess.senderGroup(count),
    async close() {
      await Promise.all(
        workers.splice(0).map(
          (worker) =>
            new Promise((resolve) => {
              worker.once('exit', resolve);
              worker.postMessage('close');
            }),
        ),
      );
      await inProcess.close();
    },
  };
}
