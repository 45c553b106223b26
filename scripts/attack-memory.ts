// `npm run attack:memory`: the memory attacks of issue 15 (history floods from a client that never reads, activity
// subscriptions plus typing, a subscription flood, a task flood), each against a fresh server process; prints RSS
// before, at the peak and after the attacker left, and exits 1 if a goal is missed.
import { parseArgs } from 'node:util';
import { ATTACKS, type AttackName, attackFailures, runMemoryAttacks } from './reliability/memory-attacks';

const { values } = parseArgs({
  options: {
    'flood-seconds': { type: 'string', default: '15' },
    'settle-seconds': { type: 'string', default: '30' },
    /** Some of the attacks only, comma-separated: history-790, history-50, activity, subscriptions, tasks. */
    only: { type: 'string' },
  },
});
const only = values.only?.split(',').map((name) => name.trim()) as AttackName[] | undefined;
const unknown = only?.filter((name) => !(name in ATTACKS));
if (unknown?.length) {
  console.error(`unknown attack ${unknown.join(', ')}: pick from ${Object.keys(ATTACKS).join(', ')}`);
  process.exit(2);
}

console.log('memory attacks: each on a fresh server; RSS start / peak / after (MB)');
const figures = await runMemoryAttacks(
  {
    floodMs: Number(values['flood-seconds']) * 1000,
    settleMs: Number(values['settle-seconds']) * 1000,
    log: (line) => console.log(line),
  },
  only,
);
console.log('');
for (const f of figures) {
  console.log(`${f.name}`);
  console.log(`  ${f.detail}`);
  console.log(
    `  RSS ${f.rssStartMb} / ${f.rssPeakMb} / ${f.rssAfterMb} MB (peak +${f.rssPeakMb - f.rssStartMb}, after ${f.rssAfterMb - f.rssStartMb >= 0 ? '+' : ''}${f.rssAfterMb - f.rssStartMb}), ${f.seconds} s`,
  );
}
const failures = attackFailures(figures);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('PASSED: peak growth under 100 MB and back within 10% of the start after each attack');
