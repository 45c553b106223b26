// The two ways the benchmark sends: paced (a fixed rate) or closed-loop (a fixed number in flight).
import { setTimeout as sleep } from 'node:timers/promises';

export type Send = (seq: number) => Promise<void>;

/** Sends messages 0..count-1: paced at `pace` per second, or `window` at a time. */
export async function drive(send: Send, count: number, pace: number | null, window: number) {
  const start = performance.now();
  if (pace === null) {
    let next = 0;
    const worker = async () => {
      while (next < count) await send(next++);
    };
    await Promise.all(Array.from({ length: window }, worker));
    return;
  }
  const interval = 1000 / pace;
  for (let i = 0; i < count; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    send(i).catch(() => {});
  }
}
