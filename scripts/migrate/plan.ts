// What the migration would write (steps 3, 5 and 6), computed from the files as they are now: the same
// plan drives --dry-run, the "already migrated" no-op, and the steps themselves.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnv, setEnvValues } from './env-file';
import { connectHost } from './live-checks';
import { START_SCRIPTS, switchCommand, updateCompose, updatePackageJson } from './startup-files';

export const ENV_FILE = '.env';
/** Other dotenv files deployments load; only a transport they pin is changed. */
export const OTHER_ENV_FILES = ['.env.local', '.env.production'];
export const COMPOSE_FILE = 'docker-compose.yml';
export const PACKAGE_FILE = 'package.json';
/** Vite's env file for the web client (vite.config.ts has root src/client, and Vite reads env files there). */
export const CLIENT_ENV_FILE = 'src/client/.env.local';

/** Every file any step may write: all of them are backed up in step 1. */
export const TOUCHED_FILES = [
  ENV_FILE,
  ...OTHER_ENV_FILES,
  COMPOSE_FILE,
  PACKAGE_FILE,
  ...START_SCRIPTS,
  CLIENT_ENV_FILE,
];

export interface FileChange {
  path: string;
  before: string | null;
  after: string;
}

export interface StepPlan {
  changes: FileChange[];
  /** The step cannot be planned (e.g. a compose file that is not YAML); running it will fail with this. */
  error?: string;
}

export interface Target {
  host: string;
  port: number;
}

const read = (root: string, path: string): string | null => {
  const file = resolve(root, path);
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : null;
};

const change = (path: string, before: string | null, after: string): FileChange[] =>
  before === after ? [] : [{ path, before, after }];

function guarded(build: () => FileChange[]): StepPlan {
  try {
    return { changes: build() };
  } catch (error) {
    return { changes: [], error: error instanceof Error ? error.message : String(error) };
  }
}

export const envValues = ({ host, port }: Target) => ({
  OPENCODE_TRANSPORT: 'websocket',
  WEBSOCKET_HOST: host,
  WEBSOCKET_PORT: String(port),
  OPENCODE_SAFE_MODE: 'false',
});

/** Step 3: .env gets the WebSocket settings; other env files only lose a pinned Telegram transport. */
export function planEnv(root: string, target: Target): StepPlan {
  return guarded(() => {
    const env = read(root, ENV_FILE);
    const changes = change(ENV_FILE, env, setEnvValues(env ?? '', envValues(target)));
    for (const path of OTHER_ENV_FILES) {
      const text = read(root, path);
      if (text === null || readEnv(text).OPENCODE_TRANSPORT === undefined) continue;
      changes.push(...change(path, text, setEnvValues(text, { OPENCODE_TRANSPORT: 'websocket' })));
    }
    return changes;
  });
}

/** Step 5: compose, package.json scripts and start scripts that exist. */
export function planStartup(root: string, { port }: Target): StepPlan {
  return guarded(() => {
    const changes: FileChange[] = [];
    const compose = read(root, COMPOSE_FILE);
    if (compose !== null) changes.push(...change(COMPOSE_FILE, compose, updateCompose(compose, port)));
    const pkg = read(root, PACKAGE_FILE);
    if (pkg !== null) changes.push(...change(PACKAGE_FILE, pkg, updatePackageJson(pkg, port)));
    for (const path of START_SCRIPTS) {
      const text = read(root, path);
      if (text !== null) changes.push(...change(path, text, switchCommand(text, port)));
    }
    return changes;
  });
}

/** Step 6: the client's build-time URLs; the API address comes from the (migrated) .env. */
export function planClient(root: string, target: Target, envText: string): StepPlan {
  return guarded(() => {
    const env = readEnv(envText);
    const wsHost = connectHost(target.host);
    const httpHost = connectHost(env.HOST || '127.0.0.1');
    const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
    const values = {
      VITE_WS_URL: `ws://${bracket(wsHost)}:${target.port}`,
      VITE_API_URL: `http://${bracket(httpHost)}:${env.PORT || '8080'}`,
    };
    const text = read(root, CLIENT_ENV_FILE);
    return change(CLIENT_ENV_FILE, text, setEnvValues(text ?? '', values));
  });
}

/** All three planned together, for --dry-run and the no-op check. */
export function planAll(
  root: string,
  target: Target,
): { env: StepPlan; startup: StepPlan; client: StepPlan } {
  const env = planEnv(root, target);
  const envAfter = env.changes.find((c) => c.path === ENV_FILE)?.after ?? read(root, ENV_FILE) ?? '';
  return { env, startup: planStartup(root, target), client: planClient(root, target, envAfter) };
}
