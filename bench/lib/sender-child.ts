// The sender process of ./sender-process.ts: opens the senders, then runs each plan it is sent and answers 'ok'
// (or the error), until told to close.
import { drive, type Send } from './drive';
import { baselineDriver, projectDriver } from './drivers';
import type { SenderSetup, SendPlan } from './sender-process';

/** Sender s sends base + i * senders + s for i < perSender. */
async function runPlan(senders: Send[], plan: SendPlan): Promise<void> {
  const n = senders.length;
  await Promise.all(
    senders.map((send, s) => drive((i) => send(plan.base + i * n + s), plan.perSender, null, plan.window)),
  );
}

const setup = JSON.parse(process.argv[2] as string) as SenderSetup & { count: number };
const driver =
  setup.kind === 'project'
    ? projectDriver(setup.url, async (user) => setup.tokens[user] ?? '')
    : baselineDriver(setup.url);
const senders = await Promise.all(Array.from({ length: setup.count }, () => driver.sender()));
process.on('message', async (message: SendPlan | 'close') => {
  if (message === 'close') {
    await driver.close();
    process.disconnect();
    return;
  }
  try {
    await runPlan(senders, message);
    process.send?.('ok');
  } catch (error) {
    process.send?.(String(error));
  }
});
process.send?.('ok');
