// `npm run chaos`: 10,000 messages from 20 tRPC and 2 legacy clients through 3 SIGKILLs, random disconnects and a
// 5 s Telegram outage; prints the figures and exits 1 on any lost, duplicated or reordered message.
import { parseArgs } from 'node:util';
import { runChaos } from './reliability/chaos';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    kills: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
  },
});
console.log(`chaos: ${values.messages} messages, ${values.kills} SIGKILLs, seed ${values.seed}`);
const f = await runChaos({
  messages: Number(values.messages),
  trpcClients: 20,
  legacyClients: 2,
  kills: Number(values.kills),
  telegramDownMs: 5000,
  seed: Number(values.seed),
  log: (line) => console.log(line),
});
const rows: [string, number][] = [
  ['messages sent', f.messages],
  ['in the database', f.stored],
  ['in the Telegram chat', f.telegram],
  ['Telegram resends at a SIGKILL', f.telegramCrashResends],
  ['client disconnects', f.disconnects],
  ['server restarts (SIGKILL)', f.restarts],
  ['sends retried after a failure', f.retries],
  ['lost', f.lost],
  ['duplicated', f.duplicated],
  ['reordered', f.reordered],
  ['seconds', f.seconds],
];
for (const [name, value] of rows) console.log(`${name.padEnd(32)} ${value}`);
if (f.lost || f.duplicated || f.reordered || f.stored !== f.messages) {
  console.error(`FAILED: ${f.details.join('; ') || 'counts differ'}`);
  process.exit(1);
}
console.log('PASSED');
process.exit(0);
