// Builds the web client into dist/client, or (with --if-needed) only when the build is missing or older than
// its sources; `npm start` runs it so a fresh clone needs only `npm install && npm start`.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeInitialJs, measureInitialJs } from './client-size';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_OUT = join(ROOT, 'dist/client');
const BUILT_MARKER = join(CLIENT_OUT, 'index.html');
/** What the bundle is made from; server code reaches the client as types only. */
const SOURCES = ['src/client', 'src/shared', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function clientBuildIsStale(): boolean {
  if (!existsSync(BUILT_MARKER)) return true;
  const built = statSync(BUILT_MARKER).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(ROOT, source)) > built);
}

export async function buildClient(): Promise<void> {
  const { build } = await import('vite');
  // Always the production bundle: Vite takes NODE_ENV from the environment, and under vitest it is 'test', which
  // built React's development runtime (50 kB gzip more) into the client the browser tests and `npm start` served.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      root: join(ROOT, 'src/client'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * Builds when stale. A lock directory keeps concurrent callers (parallel test files) from building over each
 * other: the others wait for it and then see a fresh build.
 */
export async function ensureClientBuilt(): Promise<boolean> {
  const lock = join(ROOT, 'dist/.client-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a crashed build is taken over after two minutes.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!clientBuildIsStale()) return false;
    await buildClient();
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifNeeded = process.argv.includes('--if-needed');
  const run = ifNeeded ? ensureClientBuilt() : buildClient().then(() => true);
  run
    .then((built) => {
      if (built) console.log(`web client built into ${CLIENT_OUT}`);
      else console.log('web client is up to date');
      console.log(describeInitialJs(measureInitialJs(CLIENT_OUT)));
    })
    .catch((error) => {
      console.error(`building the web client failed: ${(error as Error).message}`);
      process.exit(1);
    });
}
