// `npm run fuzz`: 100,000 malformed frames against / and /legacy of a real server process while a steady
// client chats; prints the figures and exits 1 if the server fell over, leaked memory or the client lost anything.
import { parseArgs } from 'node:util';
import { fuzzFailures, runFrameFuzz } from './reliability/frame-fuzz';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '8' },
    'half-open': { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    'max-growth-mb': { type: 'string', default: '200' },
  },
});

const frames = Number(values.frames);
console.log(`fuzzing: ${frames} malformed frames, seed ${values.seed}`);
const figures = await runFrameFuzz({
  frames,
  connections: Number(values.connections),
  halfOpen: Number(values['half-open']),
  seed: Number(values.seed),
  steadyMinimum: Math.max(100, Math.round(frames / 100)),
  log: (line) => console.log(line),
});
const rows: [string, string | number][] = [
  ['frames sent', figures.frames],
  ['  to / (tRPC)', figures.byEndpoint.trpc],
  ['  to /legacy', figures.byEndpoint.legacy],
  ...Object.entries(figures.byCategory).map(([k, v]): [string, number] => [`  ${k}`, v]),
  ['fuzzing connections', figures.connections],
  ['closes (expected / unexpected)', `${figures.closedAsExpected} / ${figures.unexpectedCloses}`],
  ['close codes', JSON.stringify(figures.closeCodes)],
  ['half-open connections', figures.halfOpen],
  ['server replies read', figures.replies],
  ['server up at the end', figures.serverUp ? 'yes' : 'NO'],
  ['server errors logged', figures.serverErrors],
  [
    'server RSS start / peak / end (MB)',
    `${figures.rssStartMb} / ${figures.rssPeakMb} / ${figures.rssEndMb}`,
  ],
  [
    'steady client: sent / received / stored',
    `${figures.steady.sent} / ${figures.steady.received} / ${figures.steady.stored}`,
  ],
  [
    'steady client: lost / duplicated / reordered',
    `${figures.steady.lost} / ${figures.steady.duplicated} / ${figures.steady.reordered}`,
  ],
  ['seconds', figures.seconds],
];
for (const [name, value] of rows) console.log(`${name.padEnd(46)} ${value}`);
const failures = fuzzFailures(figures, Number(values['max-growth-mb']));
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  for (const sample of figures.errorSamples) console.error(sample.slice(0, 2000));
  process.exit(1);
}
console.log('PASSED');
