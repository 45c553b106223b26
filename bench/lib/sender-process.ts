// The ingest senders in a process of their own ("clients in other processes"): in the bench process they would
// share one thread with the subscriber, and that thread, not the server, set the ceiling (a server that does
// nothing at all, --floor, measured 24k msgs/s that way and 33-36k with the senders here). `senderProcess` starts
// ./sender-child.ts; each `run` sends a closed-loop plan there and resolves when it is done.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientKind } from './drivers';

export interface SenderSetup {
  kind: ClientKind;
  url: string;
  /** Token by sender name, sender0..sender{count-1} (project only). */
  tokens: Record<string, string>;
}

export interface SendPlan {
  /** Sender s sends base + i * senders + s for i < perSender, `window` of them in flight. */
  base: number;
  perSender: number;
  window: number;
}

export interface SenderGroup {
  /** Resolves with each message's send time on the wall clock (performance.timeOrigin + now), by seq - base. */
  run(plan: SendPlan): Promise<Float64Array>;
  close(): Promise<void>;
}

/** Opens the senders in a child process and resolves once they are connected. */
export async function senderProcess(setup: SenderSetup, count: number): Promise<SenderGroup> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./sender-child.ts', import.meta.url)),
    [JSON.stringify({ ...setup, count })],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Send times come back as a Float64Array.
      serialization: 'advanced',
    },
  );
  /** The child answers 'ok' once connected, then the send times of each plan, or an error's text. */
  const reply = () =>
    new Promise<Float64Array>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`sender process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        if (message === 'ok') resolve(new Float64Array(0));
        else if (message instanceof Float64Array) resolve(message);
        else reject(new Error(`sender process: ${String(message)}`));
      });
    });
  await reply();
  return {
    run(plan) {
      const done = reply();
      child.send(plan);
      return done;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}
