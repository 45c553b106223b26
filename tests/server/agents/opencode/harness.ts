// Real-opencode test set-up: a scripted model server, a temporary git project, and opencode's config and state
// (XDG directories) in temporary places, all passed the way a user would: through the environment.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { OpencodeServer } from '../../../../src/server/agents/opencode/opencode-server';
import { ModelServer, opencodeConfig } from '../../../fixtures/model-server';
import { tempDir } from '../../../helpers/server';

export interface OpencodeWorld {
  project: string;
  model: ModelServer;
  /** Environment for the server under test (opencode inherits it). */
  env: Record<string, string>;
}

/** The default permission config the README recommends: edits inside the project allowed, shell commands ask. */
export const PERMISSIONS = { edit: 'allow', bash: 'ask', webfetch: 'ask' };

export async function opencodeWorld(): Promise<OpencodeWorld> {
  const root = tempDir('ocs-opencode-');
  const project = join(root, 'project');
  mkdirSync(project);
  // A git repository, so opencode records snapshots and reports the session's diff.
  execFileSync('git', ['init', '-q'], { cwd: project });
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init'],
    {
      cwd: project,
    },
  );
  const model = new ModelServer(project);
  const url = await model.start();
  const env: Record<string, string> = {
    OPENCODE_CONFIG_CONTENT: JSON.stringify(opencodeConfig(url, { permission: PERMISSIONS })),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_STATE_HOME: join(root, 'state'),
  };
  return { project, model, env };
}

/** Puts the world's settings into this test process's environment (opencode inherits the server's). */
export function applyWorldEnv(world: OpencodeWorld): () => void {
  const saved = Object.fromEntries(Object.keys(world.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, world.env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A world with one `opencode serve` of its own (password-protected), and the settings a server attaches with. */
export interface AttachedOpencode {
  world: OpencodeWorld;
  opencode: OpencodeServer;
  /** PROJECT_ROOT, OPENCODE_URL and OPENCODE_SERVER_PASSWORD, as in production. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

export async function attachedOpencode(password: string): Promise<AttachedOpencode> {
  const world = await opencodeWorld();
  const restoreEnv = applyWorldEnv(world);
  const opencode = new OpencodeServer({
    projectRoot: world.project,
    logger: pino({ level: 'silent' }),
    password,
  });
  const stop = async () => {
    await opencode.stop();
    await world.model.stop();
    restoreEnv();
  };
  try {
    await opencode.ready();
  } catch (error) {
    await stop();
    throw error;
  }
  const settings = {
    PROJECT_ROOT: world.project,
    OPENCODE_URL: opencode.baseUrl as string,
    OPENCODE_SERVER_PASSWORD: password,
  };
  return { world, opencode, settings, stop };
}
