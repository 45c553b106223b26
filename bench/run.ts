// npm run bench [-- --smoke] [--only flood,paced] [--rounds 2] [--floor]: the project against a raw ws relay and
// the two peers a Node team would pick instead (Socket.IO 4, tRPC's own applyWSSHandler), alternating each round.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { threadedDriver } from './lib/client-threads';
import { diskFsync } from './lib/disk-fsync';
import { type ClientKind, type Driver, driverFor } from './lib/drivers';
import { IDLE_ADDRESSES, idleConnections, idleFileLimitRefusal } from './lib/idle-scenario';
import { type ProbeSlice, startProbe } from './lib/probe.mjs';
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
import { searchBench } from './lib/search-scenario';
import {
  type RunningServer,
  startBaseline,
  startCluster,
  startProject,
  startSocketio,
  startTrpcFloor,
  startTrpcStock,
} from './lib/servers';
import { describeSteps, explainSlowest, stepsIn } from './lib/stalls';
import type { SequenceReport } from './lib/stats';
import { startProjectWithOpencode, taskCard } from './lib/task-card';
import { describeTail, diskFigures, type TailReport, tailReport, traceMessages } from './lib/trace';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    instances: { type: 'string', default: '1' },
    'client-threads': { type: 'string', default: '1' },
    floor: { type: 'boolean', default: false },
    connections: { type: 'string' },
    trace: { type: 'boolean', default: false },
    servers: { type: 'string' },
    ab: { type: 'string' },
    'disk-beside': { type: 'boolean', default: false },
  },
});
/** --trace: the project's probe follows every bench message through the server (./lib/trace.ts). */
const traceEnv: Record<string, string> = values.trace ? { BENCH_PROBE_TRACE: '1' } : {};
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
  /** Also run against the peers, Socket.IO and tRPC's applyWSSHandler (default: unless projectOnly). */
  peers?: boolean;
  /** With --smoke, the peers run only where this is set (the smoke run is part of `npm test`: kept short). */
  smokePeers?: boolean;
  /** A measurement without any server (the disk's own fsync): run once per round instead. */
  standalone?: () => Promise<ScenarioResult>;
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
      fsyncSeconds: 1,
      searchStored: 20_000,
      searchQueries: 100,
      searchIngest: 2_000,
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
      fsyncSeconds: 10,
      searchStored: 1_000_000,
      searchQueries: 1_000,
      searchIngest: 20_000,
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
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms', 'server CPU s'],
    floor: true,
    smokePeers: true,
    run: (d) => flood(d, { subscribers: size.subs, messages: size.flood, warmup: size.flood * size.warmup }),
  },
  {
    name: 'paced',
    conditions: `${size.subs} subscribers, ${size.pace} msg/s for ${size.paceSeconds} s (${size.subs * size.pace} deliveries/s)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms', 'server CPU s'],
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
    name: 'disk fsync',
    conditions: `this disk alone, no server: single-row INSERT commits, WAL + synchronous=FULL, ${size.pace}/s for ${size.fsyncSeconds} s (figures in the project column)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'p99.9 ms', 'max ms'],
    projectOnly: true,
    standalone: () => diskFsync({ perSecond: size.pace, seconds: size.fsyncSeconds }),
    run: async () => null,
  },
  {
    name: 'ingest',
    conditions: `10 senders x ${INGEST_IN_FLIGHT} in flight in a sender process, 1 subscriber, ${size.ingest} messages (project: committed, synchronous=FULL); latency: send -> delivery`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms', 'server CPU s'],
    floor: true,
    smokePeers: true,
    run: (d) => ingest(d, { senders: 10, messages: size.ingest, warmup: size.ingest * size.warmup }),
  },
  ...size.conns.map(
    (count): Scenario => ({
      name: `connections ${count}`,
      conditions: `${count} idle subscribed connections; server RSS delta / count${count === settleAt ? `, and after ${SETTLE_SECONDS} s idle` : ''}`,
      lowerIsBetter: ['KB/conn', 'connect s', 'KB/conn settled'],
      peers: false,
      run: (d, s) => connections(d, s, { count, settleSeconds: count === settleAt ? SETTLE_SECONDS : 0 }),
    }),
  ),
  {
    name: 'agents ack',
    conditions: `${size.mentions} mentions one at a time -> the agent's acknowledgement in the chat; worker command that exits at once (no baseline)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms'],
    projectOnly: true,
    // Without AGENT_WORKER_COMMAND each task starts opencode, and the next mention's acknowledgement waits behind
    // that start (the runner launches under the employee's lock): seconds, so some counted as lost. The row is
    // about acknowledgements; the task card row measures the real opencode.
    start: () => startProject({ AGENT_WORKER_COMMAND: QUICK_WORKER }),
    run: (_d, s) => agents(s, { mentions: size.mentions }),
  },
  {
    name: 'agents',
    conditions: `${size.cardMentions} mentions one at a time (after a warm-up one: first task ms) -> the worker's first visible progress on the task card (tasks.onUpdate); real opencode serve + scripted model; then ${size.cardConcurrent} tasks streaming at once: opencode RSS (no baseline)`,
    lowerIsBetter: ['p50 ms', 'p99 ms', 'max ms', 'first task ms', 'opencode idle MB', 'opencode KB/task'],
    projectOnly: true,
    start: async () => {
      const started = await startProjectWithOpencode();
      return { ...started.server, stop: () => started.stop() };
    },
    run: (_d, s) => taskCard(s, { mentions: size.cardMentions, concurrent: size.cardConcurrent }),
  },
];

// Search (issue 19): a million stored messages take minutes to build, so the smoke run (part of `npm test`) has it
// only when asked (--only search); tests/bench/search.test.ts does.
if (!smoke || values.only?.split(',').includes('search'))
  scenarios.push({
    name: 'search',
    conditions: `SQLite FTS5 over ${size.searchStored.toLocaleString('en-US')} stored messages (4-17 words of a 20k-word Zipf vocabulary, 40 senders), ${size.searchQueries} searches of 1-2 words (a fifth with from:), 20 results with snippets; ingest as the ingest row (${size.searchIngest} msgs) with and without the index, alternating, 2 each (no peers)`,
    lowerIsBetter: [
      'p50 ms',
      'p99 ms',
      'max ms',
      'commonest word p50 ms',
      'ingest cost %',
      'insert µs',
      'insert µs no index',
    ],
    projectOnly: true,
    standalone: () =>
      searchBench({
        stored: size.searchStored,
        queries: size.searchQueries,
        ingest: size.searchIngest,
        log: (line) => process.stderr.write(`${line}\n`),
      }),
    run: async () => null,
  });

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

// Idle connections on one instance (issue 17: 100,000), clients in processes of their own: with --connections
// (counts, comma-separated) or --only idle. Refused up front when this machine's file limits cannot hold them.
if (values.connections || values.only?.split(',').includes('idle')) {
  const counts = (values.connections ?? '10000,100000').split(',').map(Number);
  const refusal = counts.some((n) => !Number.isInteger(n) || n < 1)
    ? '--connections must be whole numbers >= 1, comma-separated'
    : idleFileLimitRefusal(Math.max(...counts));
  if (refusal) {
    console.error(refusal);
    process.exit(2);
  }
  const settleSeconds = smoke ? 2 : SETTLE_SECONDS;
  for (const count of counts)
    scenarios.push({
      name: `idle ${count}`,
      conditions: `${count} idle connections subscribed to chat.onMessage (@trpc/client, token mode) from client processes over ${IDLE_ADDRESSES[0]}…${IDLE_ADDRESSES.at(-1)}; server RSS delta / count 1.5 s after the last and after ${settleSeconds} s idle (no baseline)`,
      lowerIsBetter: ['KB/conn', 'connect s', 'KB/conn settled', 'server RSS MB settled'],
      projectOnly: true,
      run: (_d, s) =>
        idleConnections(s, { count, settleSeconds, log: (line) => process.stderr.write(`${line}\n`) }),
    });
}

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
  /** The raw ws relay. */
  baseline: number | null;
  socketio: number | null;
  trpc: number | null;
  /** The minimal tRPC-wire relay with the same clients (--floor); null when not run. */
  floor: number | null;
  /** --ab: the project as it is in another checkout, alternating with this one; null when not run. */
  projectB: number | null;
  /** project / raw relay. */
  ratio: number | null;
  /** The better of the two peers (Socket.IO, tRPC) for this metric, and project / that. */
  bestPeer: number | null;
  vsBestPeer: number | null;
  rounds: number;
  better: 'higher' | 'lower';
  conditions: string;
}

type Kind = 'project' | 'baseline' | 'socketio' | 'trpc' | 'floor' | 'projectB';
const KIND_LABEL: Record<Kind, string> = {
  project: 'project',
  projectB: 'project B',
  baseline: 'raw ws',
  socketio: 'socket.io',
  trpc: 'trpc ws',
  floor: 'trpc floor',
};
const starters: Record<Kind, (scenario: Scenario) => Promise<RunningServer>> = {
  project: (scenario) => (scenario.start ?? (() => startProject(traceEnv)))(),
  projectB: () => startProject(traceEnv, values.ab),
  baseline: () => startBaseline(),
  socketio: () => startSocketio(),
  trpc: () => startTrpcStock(),
  floor: () => startTrpcFloor(),
};
/** Which clients talk to each server: the floor and the tRPC peer are served to the project's @trpc/client. */
const CLIENTS: Record<Kind, ClientKind> = {
  project: 'project',
  baseline: 'baseline',
  socketio: 'socketio',
  trpc: 'project',
  floor: 'project',
  projectB: 'project',
};

/** The bench process's own step timings (its clients' event loop and GC), for explaining slow rounds. */
const clientSlices: ProbeSlice[] = [];
const stopClientProbe = startProbe((slice) => clientSlices.push(slice));

interface RoundRecord {
  scenario: string;
  kind: Kind;
  round: number;
  figures: Record<string, number>;
  /** The server's (and the bench clients') step timings over the measured phase. */
  steps?: string;
  /** Set when max > 10x p99: what the slowest delivery waited for. */
  flagged?: { cause: string; details: string };
  /** With --trace: where the project's slow messages spent their time. */
  tail?: TailReport;
  /** With --disk-beside: the disk loop's commits during the round. */
  diskBeside?: ReturnType<typeof diskFigures>;
}

/** Scenarios whose rows include the server's CPU time. */
const CPU_SCENARIOS = new Set(['flood', 'paced', 'ingest']);

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Slower than this to the last subscriber counts as the tail in --trace reports. */
const TAIL_MS = 5;

/** With --disk-beside: a worker thread committing single rows at the paced rate until stopped. */
async function startDiskBeside(perSecond: number): Promise<() => Promise<[number, number][]>> {
  const worker = new Worker(new URL('./lib/disk-beside.mjs', import.meta.url), {
    workerData: { perSecond },
  });
  await new Promise((resolve) => worker.once('message', resolve));
  return () =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('stop');
    });
}

const rows: Row[] = [];
const roundRecords: RoundRecord[] = [];
const totals: SequenceReport = { lost: 0, duplicated: 0, reordered: 0 };
const notes: string[] = [];
const FLAG_FACTOR = 10;

/** Step timings of a finished round; flags and explains it when its max is over FLAG_FACTOR x its p99. */
function inspect(record: RoundRecord, result: ScenarioResult, server: RunningServer | null) {
  const p99 = result.figures['p99 ms'];
  const max = result.figures['max ms'];
  const timing = result.timing;
  const serverSlices = server?.probe ?? [];
  if (timing && server) {
    record.steps = `${describeSteps('server', stepsIn(serverSlices, timing.from, timing.to))}; ${describeSteps('clients', stepsIn(clientSlices, timing.from, timing.to))}`;
  }
  if (p99 === undefined || max === undefined || !(max > FLAG_FACTOR * p99)) return;
  const label = `${record.scenario} (${KIND_LABEL[record.kind]}, round ${record.round})`;
  const head = `FLAGGED ${label}: max ${max.toFixed(1)} ms > ${FLAG_FACTOR}x p99 ${p99.toFixed(1)} ms`;
  if (!server) {
    record.flagged = { cause: 'the disk itself (no server involved)', details: '' };
  } else if (!timing?.slowest) {
    record.flagged = { cause: 'not explained: this row records no per-delivery timing', details: '' };
  } else {
    const { sent, arrived } = timing.slowest;
    record.flagged = explainSlowest(
      max,
      p99,
      stepsIn(serverSlices, sent, arrived),
      stepsIn(clientSlices, sent, arrived),
    );
  }
  notes.push(
    `${head} -- cause: ${record.flagged.cause}${record.flagged.details ? ` [${record.flagged.details}]` : ''}`,
  );
}

for (const scenario of selected) {
  const results: Record<Kind, ScenarioResult[]> = {
    project: [],
    baseline: [],
    socketio: [],
    trpc: [],
    floor: [],
    projectB: [],
  };
  const peers = (scenario.peers ?? !scenario.projectOnly) && (!smoke || scenario.smokePeers === true);
  const kinds: Kind[] = scenario.projectOnly
    ? ['project']
    : [
        'baseline',
        ...(peers ? (['socketio', 'trpc'] as const) : []),
        ...(values.floor && scenario.floor ? (['floor'] as const) : []),
        'project',
        // --ab: A and B alternate within every round, after the same servers.
        ...(values.ab && !scenario.start ? (['projectB'] as const) : []),
      ];
  // --servers project,floor: only these (a quick look at one change; the table then lacks the others).
  const wanted = values.servers?.split(',');
  const runKinds = wanted ? kinds.filter((k) => wanted.includes(k)) : kinds;
  for (let round = 0; round < rounds; round++) {
    for (const kind of runKinds) {
      let figures = '';
      const record: RoundRecord = { scenario: scenario.name, kind, round: round + 1, figures: {} };
      if (scenario.standalone) {
        const result = await scenario.standalone();
        results[kind].push(result);
        record.figures = result.figures;
        inspect(record, result, null);
        roundRecords.push(record);
        process.stderr.write(`. ${scenario.name} round ${round + 1} ${JSON.stringify(result.figures)}\n`);
        continue;
      }
      const server = await starters[kind](scenario);
      const urls = server.wsUrls ?? [server.wsUrl];
      const token = (user: string) => server.token(user);
      const clients = CLIENTS[kind];
      const inProcess: Driver = driverFor(clients, urls, token);
      const driver =
        clientThreads > 1
          ? threadedDriver(inProcess, { kind: clients, urls, token }, clientThreads)
          : inProcess;
      const beside =
        values['disk-beside'] && kind === 'project' && scenario.name === 'paced'
          ? await startDiskBeside(size.pace)
          : null;
      try {
        const cpuBefore = cpuSeconds(server.pid);
        const result = await Promise.race([scenario.run(driver, server), server.died]);
        // CPU the server process (all its threads) used for the scenario, warm-up included: unlike throughput and
        // latency, barely moved by other processes competing for the CPUs, so A/B comparisons hold on a busy machine.
        if (result && CPU_SCENARIOS.has(scenario.name))
          result.figures['server CPU s'] = Math.round((cpuSeconds(server.pid) - cpuBefore) * 100) / 100;
        const disk = beside ? await beside() : undefined;
        if (result) {
          results[kind].push(result);
          record.figures = result.figures;
          figures = ` ${JSON.stringify(result.figures)}`;
          for (const k of ['lost', 'duplicated', 'reordered'] as const) totals[k] += result.sequence[k];
          const bad = result.sequence.lost + result.sequence.duplicated + result.sequence.reordered;
          if (bad)
            notes.push(
              `${scenario.name} (${KIND_LABEL[kind]}, round ${round + 1}): ${JSON.stringify(result.sequence)}`,
            );
          // The probe reports every 100 ms: let the slices covering the end of the run arrive.
          await sleep(250);
          inspect(record, result, server);
          if (disk && result.timing)
            record.diskBeside = diskFigures(disk, result.timing.from, result.timing.to);
          if (values.trace && (kind === 'project' || kind === 'projectB') && result.perMessage) {
            const traced = traceMessages(server.probe, clientSlices, result.perMessage, disk);
            record.tail = tailReport(traced, TAIL_MS);
            const lines = describeTail(record.tail);
            if (record.diskBeside)
              lines.push(`  disk loop beside the round: ${JSON.stringify(record.diskBeside)}`);
            process.stderr.write(`${lines.join('\n')}\n`);
          }
          roundRecords.push(record);
        } else notes.push(`${scenario.name}: skipped (the project has no /employees route yet)`);
      } finally {
        await driver.close();
        await server.stop();
      }
      process.stderr.write(`. ${scenario.name} ${KIND_LABEL[kind]} round ${round + 1}${figures}\n`);
      if (record.flagged) process.stderr.write(`  ${notes.at(-1)}\n`);
    }
  }
  const first = Object.values(results).find((r) => r.length);
  const metrics = Object.keys(first?.[0]?.figures ?? {});
  for (const metric of metrics) {
    const med = (kind: Kind) =>
      results[kind].length ? median(results[kind].map((r) => r.figures[metric] as number)) : null;
    const [p, b, so, tr, f, pb] = (
      ['project', 'baseline', 'socketio', 'trpc', 'floor', 'projectB'] as const
    ).map(med);
    const better = scenario.lowerIsBetter.includes(metric) ? 'lower' : 'higher';
    const peerFigures = [so, tr].filter((n): n is number => n !== null && Number.isFinite(n));
    const bestPeer = peerFigures.length
      ? better === 'lower'
        ? Math.min(...peerFigures)
        : Math.max(...peerFigures)
      : null;
    rows.push({
      scenario: scenario.name,
      metric,
      project: p ?? null,
      baseline: b ?? null,
      socketio: so ?? null,
      trpc: tr ?? null,
      floor: f ?? null,
      projectB: pb ?? null,
      ratio: p != null && b ? p / b : null,
      bestPeer,
      vsBestPeer: p != null && bestPeer ? p / bestPeer : null,
      rounds: Math.max(...Object.values(results).map((r) => r.length)),
      better,
      conditions: scenario.conditions,
    });
  }
}
stopClientProbe();

/** Issue 17's goals, checked on this run's medians (only those whose rows ran). */
function goals(): string[] {
  const get = (scenario: string, metric: string) =>
    rows.find((r) => r.scenario === scenario && r.metric === metric);
  const out: string[] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const flood = get('flood', 'deliveries/s');
  if (flood?.project && flood.bestPeer)
    out.push(
      `flood deliveries/s >= 2x the best peer: ${verdict(flood.project >= 2 * flood.bestPeer)} (${fmt(flood.project)} vs ${fmt(flood.bestPeer)}, ${fmt(flood.vsBestPeer, 2)}x)`,
    );
  const p99 = get('paced', 'p99 ms');
  if (p99?.project != null && p99.bestPeer != null)
    out.push(
      `paced p99 below every peer's: ${verdict(p99.project < p99.bestPeer)} (${fmt(p99.project)} vs socket.io ${fmt(p99.socketio)}, trpc ws ${fmt(p99.trpc)} ms${p99.floor != null ? `; the tRPC floor, same clients and no server work, ${fmt(p99.floor)}` : ''})`,
    );
  if (p99?.project != null && p99.floor != null)
    out.push(
      `paced p99 within 1.5x the tRPC floor's: ${verdict(p99.project <= 1.5 * p99.floor)} (${fmt(p99.project)} vs ${fmt(p99.floor)} ms)`,
    );
  const disk99 = get('disk fsync', 'p99 ms')?.project;
  const diskMax = get('disk fsync', 'max ms')?.project;
  if (p99?.project != null && p99.floor != null && disk99 != null)
    out.push(
      `paced p99 within 1.5x (disk fsync p99 + floor p99): ${verdict(p99.project <= 1.5 * (disk99 + p99.floor))} (${fmt(p99.project)} vs 1.5 x (${fmt(disk99)} + ${fmt(p99.floor)}) ms)`,
    );
  const max = get('paced', 'max ms');
  if (max?.project != null && diskMax != null)
    out.push(
      `paced max within 1.5x the disk's fsync max: ${verdict(max.project <= 1.5 * diskMax)} (${fmt(max.project)} vs ${fmt(diskMax)} ms${max.floor != null ? `; the tRPC floor, no disk at all, ${fmt(max.floor)}` : ''})`,
    );
  // The same bound as the p99 one: what the disk adds on top of what the clients alone already reach.
  if (max?.project != null && max.floor != null && diskMax != null)
    out.push(
      `paced max within 1.5x (disk fsync max + floor max): ${verdict(max.project <= 1.5 * (diskMax + max.floor))} (${fmt(max.project)} vs 1.5 x (${fmt(diskMax)} + ${fmt(max.floor)}) ms)`,
    );
  const ingestRate = get('ingest', 'messages/s')?.project;
  if (ingestRate != null)
    out.push(`ingest >= 25,000 committed msgs/s: ${verdict(ingestRate >= 25_000)} (${fmt(ingestRate)})`);
  const search99 = get('search', 'p99 ms')?.project;
  if (search99 != null)
    out.push(`search p99 < 50 ms (issue 19): ${verdict(search99 < 50)} (${fmt(search99)} ms)`);
  const searchCost = get('search', 'ingest cost %')?.project;
  if (searchCost != null)
    out.push(`search index ingest cost < 10% (issue 19): ${verdict(searchCost < 10)} (${fmt(searchCost)}%)`);
  return out;
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
// --ab: B's column and B / A.
const abColumns = (r: Row | null) =>
  values.ab
    ? r
      ? [fmt(r.projectB), fmt(r.project !== null && r.projectB !== null ? r.projectB / r.project : null, 2)]
      : ['project B', 'B / A']
    : [];
const table = [
  [
    'scenario',
    'metric',
    'n',
    'project',
    'raw ws',
    'socket.io',
    'trpc ws',
    'vs best peer',
    ...floorColumns(null),
    ...abColumns(null),
    'better',
    'conditions',
  ],
  ...rows.map((r) => [
    r.scenario,
    r.metric,
    String(r.rounds),
    fmt(r.project),
    fmt(r.baseline),
    fmt(r.socketio),
    fmt(r.trpc),
    fmt(r.vsBestPeer, 2),
    ...floorColumns(r),
    ...abColumns(r),
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
  "\nn: rounds measured; vs best peer: project / the better of socket.io and trpc ws (tRPC's applyWSSHandler) for that metric; medians over rounds",
);
const goalLines = goals();
for (const line of goalLines) console.log(`goal: ${line}`);
console.log(
  `\nsequence check: lost ${totals.lost}, duplicated ${totals.duplicated}, reordered ${totals.reordered}`,
);
for (const note of notes) console.log(`note: ${note}`);

mkdirSync(values.out as string, { recursive: true });
const file = `${values.out}/bench-${when.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`;
writeFileSync(
  file,
  JSON.stringify(
    {
      when,
      machine,
      rounds,
      clientThreads,
      smoke,
      rows,
      goals: goalLines,
      sequence: totals,
      notes,
      roundRecords,
    },
    null,
    2,
  ),
);
console.log(`written ${file}`);
if (totals.lost + totals.duplicated + totals.reordered > 0) {
  console.error('FAILED: deliveries were lost, duplicated or reordered');
  process.exit(1);
}
