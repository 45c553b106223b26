// npm run bench [-- --smoke] [--only flood,paced] [--rounds 2]: the project against a raw ws relay, A B A B.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { threadedDriver } from './lib/client-threads';
import { baselineDriver, type Driver, projectDriver } from './lib/drivers';
import {
  agents,
  connections,
  FLOOD_IN_FLIGHT,
  flood,
  INGEST_IN_FLIGHT,
  ingest,
  paced,
  type ScenarioResult,
} from './lib/scenarios';
import { type RunningServer, startBaseline, startCluster, startProject, startTrpcFloor } from './lib/servers';
import type { SequenceReport } from './lib/stats';
import { startProjectWithOpencode, taskCard } from './lib/task-card';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    instances: { type: 'string', default: '1' },
    'client-threads': { type: 'string', default: '1' },
    floor: { type: 'boolean', default: false },
  },
});
/** Subscribers spread over this many worker threads of the client process (1: all in its main thread). */
const clientThreads = Number(values['client-threads']);
if (!Number.isInteger(clientThreads) || clientThreads < 1) {
  console.error('--client-threads must be a whole number >= 1');
  process.exit(2);
}
const instances = Number(values.instances);
if (!Number.isInteger(instances) || instances < 1) {
  console.error('--instances must be a whole number >= 1');
  process.exit(2);
}
const smoke = values.smoke ?? false;
const rounds = Number(values.rounds ?? (smoke ? 1 : 2));

interface Scenario {
  name: string;
  conditions: string;
  /** Figures where lower is better (latency, memory, time). */
  lowerIsBetter: string[];
  run(driver: Driver, server: RunningServer): Promise<ScenarioResult | null>;
  projectOnly?: boolean;
  /** With --floor, also run against the minimal tRPC-wire relay (lib/trpc-floor-server.ts). */
  floor?: boolean;
  /** How to start the project for this scenario (default: one instance on SQLite). */
  start?: () => Promise<RunningServer>;
}

const size = smoke
  ? {
      subs: 5,
      flood: 200,
      pace: 50,
      paceSeconds: 1,
      ingest: 500,
      conns: [50],
      mentions: 5,
      cardMentions: 3,
      cardConcurrent: 2,
      warmup: 0.2,
    }
  : {
      subs: 100,
      flood: 5000,
      pace: 200,
      paceSeconds: 10,
      ingest: 50_000,
      conns: [1000, 5000, 10_000],
      mentions: 50,
      cardMentions: 30,
      cardConcurrent: 5,
      warmup: 0.2,
    };

/** The largest connection count is also measured after idling, when the burst's garbage is collected. */
const SETTLE_SECONDS = 30;
const settleAt = smoke ? -1 : Math.max(...size.conns);

/** A worker command template (argv, no shell) for a worker that exits at once. */
const QUICK_WORKER = `'${process.execPath}' '${fileURLToPath(new URL('./lib/quick-worker.mjs', import.meta.url))}'`;

const scenarios: Scenario[] = [
  {
    name: 'flood',
    conditions: `${size.subs} subscribers, 1 sender, ${size.flood} messages, ${FLOOD_IN_FLIGHT} in flight`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms'],
    floor: true,
    run: (d) => flood(d, { subscribers: size.subs, messages: size.flood, warmup: size.flood * size.warmup }),
  },
  {
    name: 'paced',
    conditions: `${size.subs} subscribers, ${size.pace} msg/s for ${size.paceSeconds} s (${size.subs * size.pace} deliveries/s)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms'],
    floor: true,
    run: (d) =>
      paced(d, {
        subscribers: size.subs,
        perSecond: size.pace,
        seconds: size.paceSeconds,
        warmupSeconds: size.paceSeconds * size.warmup,
      }),
  },
  {
    name: 'ingest',
    conditions: `10 senders x ${INGEST_IN_FLIGHT} in flight in a sender process, 1 subscriber, ${size.ingest} messages (project: committed, synchronous=FULL)`,
    lowerIsBetter: [],
    floor: true,
    run: (d) => ingest(d, { senders: 10, messages: size.ingest, warmup: size.ingest * size.warmup }),
  },
  ...size.conns.map(
    (count): Scenario => ({
      name: `connections ${count}`,
      conditions: `${count} idle subscribed connections; server RSS delta / count${count === settleAt ? `, and after ${SETTLE_SECONDS} s idle` : ''}`,
      lowerIsBetter: ['KB/conn', 'connect s', 'KB/conn settled'],
      run: (d, s) => connections(d, s, { count, settleSeconds: count === settleAt ? SETTLE_SECONDS : 0 }),
    }),
  ),
  {
    name: 'agents',
    conditions: `${size.mentions} mentions, one at a time, deterministic responder (no baseline)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms'],
    projectOnly: true,
    // Without AGENT_WORKER_COMMAND each task starts opencode, and the next mention's acknowledgement waits behind
    // that start (the runner launches under the employee's lock): seconds, so some counted as lost. The row is
    // about acknowledgements; the task card row measures the real opencode.
    start: () => startProject({ AGENT_WORKER_COMMAND: QUICK_WORKER }),
    run: (_d, s) => agents(s, { mentions: size.mentions }),
  },
  {
    name: 'task card',
    conditions: `${size.cardMentions} mentions one at a time (after one warm-up: first task ms) -> first tool call seen by a tasks.onUpdate subscriber; real opencode serve (supervised by the server) + scripted model; then ${size.cardConcurrent} tasks streaming at once: opencode RSS (no baseline)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms', 'first task ms', 'opencode idle MB', 'opencode KB/task'],
    projectOnly: true,
    start: async () => {
      const started = await startProjectWithOpencode();
      return { ...started.server, stop: () => started.stop() };
    },
    run: (_d, s) => taskCard(s, { mentions: size.cardMentions, concurrent: size.cardConcurrent }),
  },
];

// Scale-out: the same flood through N instances on one PostgreSQL, reported beside the single-instance row. On a
// 2-core machine more instances cannot add CPU; the row is an input for the capacity model, not a speed-up.
if (instances > 1)
  scenarios.splice(1, 0, {
    name: `flood x${instances} instances`,
    conditions: `as flood, ${instances} instances on one PostgreSQL, subscribers spread evenly, sender on the first`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms'],
    start: () => startCluster(instances),
    run: (d) => flood(d, { subscribers: size.subs, messages: size.flood, warmup: size.flood * size.warmup }),
  });

const only = values.only?.split(',');
const selected = scenarios.filter((s) => !only || only.some((o) => s.name.startsWith(o)));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

interface Row {
  scenario: string;
  metric: string;
  project: number | null;
  baseline: number | null;
  /** The minimal tRPC-wire relay with the same clients (--floor); null when not run. */
  floor: number | null;
  ratio: number | null;
  better: 'higher' | 'lower';
  conditions: string;
}

type Kind = 'project' | 'baseline' | 'floor';
const starters: Record<Kind, (scenario: Scenario) => Promise<RunningServer>> = {
  project: (scenario) => (scenario.start ?? startProject)(),
  baseline: () => startBaseline(),
  floor: () => startTrpcFloor(),
};

const rows: Row[] = [];
const totals: SequenceReport = { lost: 0, duplicated: 0, reordered: 0 };
const notes: string[] = [];

for (const scenario of selected) {
  const results: Record<Kind, ScenarioResult[]> = { project: [], baseline: [], floor: [] };
  const kinds: Kind[] = scenario.projectOnly
    ? ['project']
    : values.floor && scenario.floor
      ? ['baseline', 'floor', 'project']
      : ['baseline', 'project'];
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      let figures = '';
      const server = await starters[kind](scenario);
      const urls = server.wsUrls ?? [server.wsUrl];
      const token = (user: string) => server.token(user);
      // The floor is served to the same @trpc/client clients as the project.
      const clients = kind === 'baseline' ? 'baseline' : 'project';
      const inProcess = clients === 'project' ? projectDriver(urls, token) : baselineDriver(server.wsUrl);
      const driver =
        clientThreads > 1
          ? threadedDriver(inProcess, { kind: clients, urls, token }, clientThreads)
          : inProcess;
      try {
        const result = await scenario.run(driver, server);
        if (result) {
          results[kind].push(result);
          figures = ` ${JSON.stringify(result.figures)}`;
          for (const k of ['lost', 'duplicated', 'reordered'] as const) totals[k] += result.sequence[k];
          const bad = result.sequence.lost + result.sequence.duplicated + result.sequence.reordered;
          if (bad)
            notes.push(`${scenario.name} (${kind}, round ${round + 1}): ${JSON.stringify(result.sequence)}`);
        } else notes.push(`${scenario.name}: skipped (the project has no /employees route yet)`);
      } finally {
        await driver.close();
        await server.stop();
      }
      process.stderr.write(`. ${scenario.name} ${kind} round ${round + 1}${figures}\n`);
    }
  }
  const metrics = Object.keys(results.project[0]?.figures ?? results.baseline[0]?.figures ?? {});
  for (const metric of metrics) {
    const p = results.project.length ? median(results.project.map((r) => r.figures[metric] as number)) : null;
    const b = results.baseline.length
      ? median(results.baseline.map((r) => r.figures[metric] as number))
      : null;
    const f = results.floor.length ? median(results.floor.map((r) => r.figures[metric] as number)) : null;
    rows.push({
      scenario: scenario.name,
      metric,
      project: p,
      baseline: b,
      floor: f,
      ratio: p !== null && b ? p / b : null,
      better: scenario.lowerIsBetter.includes(metric) ? 'lower' : 'higher',
      conditions: scenario.conditions,
    });
  }
}

const fmt = (n: number | null, digits = 1) =>
  n === null || Number.isNaN(n) ? '—' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits);
// The floor column (and its ratio: project / floor) only when --floor ran it.
const floorColumns = (r: Row | null) =>
  values.floor
    ? r
      ? [fmt(r.floor), fmt(r.project !== null && r.floor ? r.project / r.floor : null, 2)]
      : ['trpc floor', 'vs floor']
    : [];
const table = [
  ['scenario', 'metric', 'project', 'baseline', 'ratio', ...floorColumns(null), 'better', 'conditions'],
  ...rows.map((r) => [
    r.scenario,
    r.metric,
    fmt(r.project),
    fmt(r.baseline),
    fmt(r.ratio, 2),
    ...floorColumns(r),
    r.better,
    r.conditions,
  ]),
];
const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
const lines = table.map((row) =>
  row
    .map((cell, c) => cell.padEnd(widths[c] ?? 0))
    .join('  ')
    .trimEnd(),
);
lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
const when = new Date().toISOString();
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`;
console.log(
  `\nbenchmark ${when}, ${machine}, ${rounds} round(s) A B alternating, subscribers in ${clientThreads} client thread(s)${smoke ? ', SMOKE sizes' : ''}`,
);
console.log(lines.join('\n'));
console.log(
  `\nsequence check: lost ${totals.lost}, duplicated ${totals.duplicated}, reordered ${totals.reordered}`,
);
for (const note of notes) console.log(`note: ${note}`);

mkdirSync(values.out as string, { recursive: true });
const file = `${values.out}/bench-${when.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`;
writeFileSync(
  file,
  JSON.stringify({ when, machine, rounds, clientThreads, smoke, rows, sequence: totals, notes }, null, 2),
);
console.log(`written ${file}`);
if (totals.lost + totals.duplicated + totals.reordered > 0) {
  console.error('FAILED: deliveries were lost, duplicated or reordered');
  process.exit(1);
}
