// The sender process of ./sender-process.ts: opens the senders, then runs each plan it is sent and answers with
// the send times (or the error), until told to close.
import { drive, type Send } from './drive';
import { driverFor } from './drivers';
import type { SenderSetup, SendPlan } from './sender-process';

/** Sender s sends base + i * senders + s for i < perSender; returns each send's wall-clock time by seq - base. */
async function runPlan(senders: Send[], plan: SendPlan): Promise<Float64Array> {
  const n = senders.length;
  const sentAt = new Float64Array(plan.perSender * n);
  await Promise.all(
    senders.map((send, s) =>
      drive(
        (i) => {
          sentAt[i * n + s] = performance.timeOrigin + performance.now();
          return send(plan.base + i * n + s);
        },
        plan.perSender,
        null,
        plan.window,
      ),
    ),
  );
  return sentAt;
}

const setup = JSON.parse(process.argv[2] as string) as SenderSetup & { count: number };
const driver = driverFor(setup.kind, [setup.url], async (user) => setup.tokens[user] ?? '');
const senders = await Promise.all(Array.from({ length: setup.count }, () => driver.sender()));
process.on('message', async (message: SendPlan | 'close') => {
  if (message === 'close') {
    await driver.close();
    process.disconnect();
    return;
  }
  try {
    process.send?.(await runPlan(senders, message));
  } catch (error) {
    process.send?.(String(error));
  }
});
process.send?.('ok');
