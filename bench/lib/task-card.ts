// The agents row: the project server with its own supervised `opencode serve` and the scripted model server
// (tests/fixtures/model-server.ts). Mention -> the worker's first visible progress, the first timeline entry that
// comes from opencode (tool call, text, todo, output...) seen by a tasks.onUpdate subscriber as the web card shows
// it, one mention at a time; then the opencode server's memory per concurrent task.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskUpdate } from '../../src/shared/task-timeline';
import { ModelServer, opencodeConfig } from '../../tests/fixtures/model-server';
import type { ScenarioResult } from './scenarios';
import { type RunningServer, rssKb, startProject } from './servers';
import { summarize } from './stats';

export interface OpencodeBench {
  server: RunningServer;
  stop(): Promise<void>;
}

/** A git project, the scripted model and opencode's state in temporary places; the project server started on it. */
export async function startProjectWithOpencode(): Promise<OpencodeBench> {
  const root = mkdtempSync(join(tmpdir(), 'ocs-bench-opencode-'));
  const project = join(root, 'project');
  mkdirSync(project);
  execFileSync('git', ['init', '-q'], { cwd: project });
  execFileSync(
    'git',
    ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '--allow-empty', '-m', 'init'],
    {
      cwd: project,
    },
  );
  const model = new ModelServer(project);
  const url = await model.start();
  const server = await startProject({
    PROJECT_ROOT: project,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(
      opencodeConfig(url, { permission: { edit: 'allow', bash: 'ask' } }),
    ),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_STATE_HOME: join(root, 'state'),
    // Each bench agent posts a few lines per task; the anti-spam limits are not what is measured here.
    AGENT_POSTS_PER_HOUR: '100000',
    AGENT_MIN_POST_INTERVAL_MS: '0',
  });
  return {
    server,
    async stop() {
      // The server's opencode outlived a SIGTERMed server (found orphaned after bench runs): end it here too.
      const opencode = opencodePid(server.pid);
      await server.stop();
      if (opencode !== null) await endProcess(opencode);
      await model.stop();
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** Every descendant of `pid` (from /proc), for finding the opencode server the project started. */
function descendants(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) children.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // The process (or one of its threads) ended while we looked: it has no descendants to report.
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** SIGTERM, then SIGKILL after 5 s if it is still there. */
async function endProcess(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // ended meanwhile
    }
  };
  if (!alive()) return;
  signal('SIGTERM');
  if (!(await until(() => !alive(), 5000))) signal('SIGKILL');
}

function opencodePid(serverPid: number): number | null {
  for (const pid of descendants(serverPid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (/opencode/.test(cmd) && /\bserve\b/.test(cmd)) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Timeline entries the server writes itself (queued, running, asks answered...): not the worker's progress. */
const SERVER_KINDS = new Set(['status', 'answered', 'help', 'branch', 'result']);
const wall = (t: number) => performance.timeOrigin + t;

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(5);
  return done();
}

export async function taskCard(
  server: RunningServer,
  o: { mentions: number; concurrent: number },
): Promise<ScenarioResult | null> {
  if (!server.httpUrl) return null;
  const admin = await server.token('bench-admin', 'admin');
  const hire = async (name: string) => {
    const res = await fetch(`${server.httpUrl}/employees`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name, role: 'developer' }),
    });
    if (!res.ok) throw new Error(`hiring ${name} failed: ${res.status} ${await res.text()}`);
  };
  await hire('cardbot');
  const { createTRPCClient, createWSClient, wsLink } = await import('@trpc/client');
  const WebSocket = (await import('ws')).default;
  const ws = createWSClient({
    url: server.wsUrl,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token: admin },
  });
  type Router = import('../../src/server/trpc/root').AppRouter;
  const trpc = createTRPCClient<Router>({ links: [wsLink({ client: ws })] });
  /** When each task's first entry from the worker arrived (the server's own status entries do not count). */
  const firstProgress = new Map<number, number>();
  const finished = new Set<number>();
  const running = new Set<number>();
  await new Promise<void>((resolve) => {
    trpc.tasks.onUpdate.subscribe(
      {},
      {
        onData: ({ data }) => {
          resolve();
          for (const u of data.updates as TaskUpdate[]) {
            if (!SERVER_KINDS.has(u.event.kind) && !firstProgress.has(u.taskId))
              firstProgress.set(u.taskId, performance.now());
            if (u.event.kind === 'status' && u.event.status === 'running') running.add(u.taskId);
            if (u.event.kind === 'result') finished.add(u.taskId);
          }
        },
      },
    );
  });

  // Mention -> first progress on the card, one task at a time (the model writes one file, then answers).
  const latencies: number[] = [];
  let slowest = { ms: -1, sent: 0, arrived: 0 };
  let missing = 0;
  let coldMs = Number.NaN;
  const seen = new Set<number>();
  // Mention 0 is the warm-up: opencode's first session in a directory loads its project state (reported apart).
  let measuredFrom = performance.now();
  for (let i = 0; i <= o.mentions; i++) {
    const start = performance.now();
    if (i === 1) measuredFrom = start;
    await trpc.chat.send.mutate({ text: `@cardbot please write the notes number ${i} script:write` });
    const arrived = await until(() => [...firstProgress.keys()].some((id) => !seen.has(id)), 60_000);
    const taskId = [...firstProgress.keys()].find((id) => !seen.has(id));
    if (!arrived || taskId === undefined) {
      missing++;
      continue;
    }
    seen.add(taskId);
    const at = firstProgress.get(taskId) as number;
    if (i === 0) coldMs = at - start;
    else {
      latencies.push(at - start);
      if (at - start > slowest.ms) slowest = { ms: at - start, sent: wall(start), arrived: wall(at) };
    }
    await until(() => finished.has(taskId), 60_000);
  }

  const measuredTo = performance.now();
  // Memory of the opencode server per concurrent task: N agents each streaming a long answer at once.
  const pid = opencodePid(server.pid);
  let perTaskKb = Number.NaN;
  let idleKb = Number.NaN;
  if (pid !== null) {
    await sleep(1000);
    idleKb = rssKb(pid);
    const names = Array.from({ length: o.concurrent }, (_, i) => `loadbot${i}`);
    for (const name of names) await hire(name);
    const before = new Set(running);
    for (const name of names)
      await trpc.chat.send.mutate({ text: `@${name} please write a long story script:slow` });
    await until(() => [...running].filter((id) => !before.has(id)).length >= o.concurrent, 60_000);
    // Each session streams for a while: let them all be mid-answer.
    await sleep(3000);
    perTaskKb = (rssKb(pid) - idleKb) / o.concurrent;
    for (const name of names) await trpc.tasks.stop.mutate({ employee: name }).catch(() => {});
  }
  ws.close();
  const l = summarize(latencies);
  return {
    figures: {
      'p50 ms': l.p50,
      'p99 ms': l.p99,
      'max ms': l.max,
      'first task ms': coldMs,
      'opencode idle MB': idleKb / 1024,
      'opencode KB/task': perTaskKb,
    },
    sequence: { lost: missing, duplicated: 0, reordered: 0 },
    timing: { from: wall(measuredFrom), to: wall(measuredTo), slowest },
  };
}
