// The migration to the WebSocket transport, step by step: back up, test the server, update .env, test agent
// communication, update start-up files, write the client config. A failing step rolls everything back
// (unless test mode); --rollback restores the backup byte for byte.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/server/config';
import { backUp, type Manifest, readManifest, restore, writeManifest } from './backup';
import { readEnv } from './env-file';
import { checkAgentCommunication, checkWebSocket } from './live-checks';
import { MigrationLog } from './migration-log';
import {
  ENV_FILE,
  type FileChange,
  planAll,
  planClient,
  planEnv,
  planStartup,
  type StepPlan,
  type Target,
  TOUCHED_FILES,
} from './plan';

export interface MigrationOptions extends Target {
  root: string;
  backupDir: string;
  testMode?: boolean;
  dryRun?: boolean;
  print?: (line: string) => void;
  /** Called after each step succeeds (before the next starts). */
  onStepDone?: (step: number) => void | Promise<void>;
}

export type MigrationOutcome =
  | { status: 'migrated'; skipped: number[] }
  | { status: 'unchanged' }
  | { status: 'dry-run'; changes: FileChange[]; errors: string[] }
  | { status: 'refused'; error: string }
  | { status: 'failed'; step: number; error: string; rolledBack: boolean };

export const STEPS = [
  'backup',
  'websocket-server',
  'env',
  'agent-communication',
  'startup-files',
  'client-config',
] as const;

const label = (step: number) => `${step}/${STEPS.length} ${STEPS[step - 1]}`;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function writeChanges(root: string, plan: StepPlan): string[] {
  if (plan.error) throw new Error(plan.error);
  for (const change of plan.changes) {
    const file = resolve(root, change.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, change.after);
  }
  return plan.changes.map((c) => c.path);
}

/** Lines only in `before` (-) and only in `after` (+): enough to see what a migration changes. */
export function describeChange(change: FileChange): string[] {
  const before = change.before === null ? [] : change.before.split(/\r?\n/);
  const after = change.after.split(/\r?\n/);
  const removed = before.filter((line) => !after.includes(line)).map((line) => `  - ${line}`);
  const added = after.filter((line) => line !== '' && !before.includes(line)).map((line) => `  + ${line}`);
  return [`${change.path}${change.before === null ? ' (new file)' : ''}:`, ...removed, ...added];
}

export async function migrate(options: MigrationOptions): Promise<MigrationOutcome> {
  const print = options.print ?? console.log;
  const root = resolve(options.root);
  const backupDir = resolve(root, options.backupDir);
  const target = { host: options.host, port: options.port };
  const plan = planAll(root, target);
  const planned = [plan.env, plan.startup, plan.client];
  const changes = planned.flatMap((p) => p.changes);
  const errors = planned.flatMap((p) => (p.error ? [p.error] : []));

  if (options.dryRun) {
    print(`Dry run: nothing is written. Target ws://${target.host}:${target.port}`);
    print(`Would back up into ${relative(root, backupDir) || '.'}: ${TOUCHED_FILES.join(', ')}`);
    print('Would test the WebSocket server and agent communication on that address.');
    for (const change of changes) for (const line of describeChange(change)) print(line);
    for (const error of errors) print(`Would fail: ${error}`);
    if (changes.length === 0 && errors.length === 0) print('Nothing to change: already migrated.');
    return { status: 'dry-run', changes, errors };
  }
  if (changes.length === 0 && errors.length === 0) {
    print('Nothing to change: this install already uses the WebSocket transport as asked.');
    return { status: 'unchanged' };
  }
  const previous = existsSync(backupDir) ? readManifest(backupDir) : null;
  if (previous && previous.status !== 'rolled-back') {
    const error = `a previous migration's backup (status ${previous.status}) is in ${backupDir}: run with --rollback first, or pass another --backup-dir`;
    print(error);
    return { status: 'refused', error };
  }

  const log = new MigrationLog(print);
  let manifest: Manifest | null = null;
  const skipped: number[] = [];
  let envText = '';
  const steps: (() => Promise<Record<string, unknown>>)[] = [
    async () => {
      manifest = backUp(root, backupDir, TOUCHED_FILES, target);
      log.attach(backupDir);
      const existed = manifest.files.filter((f) => f.existed).map((f) => f.path);
      return {
        summary: `backed up ${existed.join(', ') || 'nothing (no files yet)'}`,
        backupDir,
        files: manifest.files,
      };
    },
    async () => {
      const details = await checkWebSocket(target.host, target.port);
      return { summary: `sent and received message ${details.messageId} over ${details.url}`, ...details };
    },
    async () => {
      const written = writeChanges(root, planEnv(root, target));
      envText = readFileSync(resolve(root, ENV_FILE), 'utf8');
      try {
        loadConfig(readEnv(envText));
      } catch (error) {
        if (error instanceof ConfigError)
          throw new Error(`the migrated .env would not start: ${error.message}`);
        throw error;
      }
      return { summary: `updated ${written.join(', ') || 'nothing'}`, files: written };
    },
    async () => {
      const details = await checkAgentCommunication(readEnv(envText), target.host, target.port);
      if (details.skipped) return { summary: String(details.reason), ...details };
      return {
        summary: `@${details.agent} acknowledged in ${details.latencyMs} ms over ${details.url}`,
        ...details,
      };
    },
    async () => {
      const written = writeChanges(root, planStartup(root, target));
      return {
        summary: written.length ? `updated ${written.join(', ')}` : 'no start-up file needed a change',
        files: written,
      };
    },
    async () => {
      const written = writeChanges(root, planClient(root, target, envText));
      return {
        summary: written.length ? `wrote ${written.join(', ')}` : 'client config already set',
        files: written,
      };
    },
  ];

  for (const [index, run] of steps.entries()) {
    const step = index + 1;
    log.add(label(step), 'started');
    let details: Record<string, unknown>;
    try {
      details = await run();
    } catch (error) {
      const message = errorText(error);
      log.add(label(step), 'failed', { error: message });
      return fail(step, message);
    }
    if (details.skipped) skipped.push(step);
    log.add(label(step), details.skipped ? 'skipped' : 'succeeded', details);
    await options.onStepDone?.(step);
  }
  const done = manifest as Manifest | null;
  if (done) writeManifest(backupDir, { ...done, status: 'completed' });
  log.add('done', 'info', { summary: `migrated; undo with npm run migrate:websocket -- --rollback` });
  return { status: 'migrated', skipped };

  function fail(step: number, error: string): MigrationOutcome {
    const current = manifest as Manifest | null;
    if (!current) return { status: 'failed', step, error, rolledBack: false };
    if (options.testMode) {
      writeManifest(backupDir, { ...current, status: 'failed' });
      log.add('rollback', 'skipped', { summary: 'test mode: files left as they are; undo with --rollback' });
      return { status: 'failed', step, error, rolledBack: false };
    }
    const report = restore(root, backupDir, current);
    writeManifest(backupDir, { ...current, status: 'rolled-back' });
    log.add('rollback', 'rolled-back', { summary: 'every file is back as it was', ...report });
    return { status: 'failed', step, error, rolledBack: true };
  }
}

export type RollbackOutcome =
  | { status: 'rolled-back'; restored: string[]; removed: string[] }
  | { status: 'nothing-to-roll-back'; error: string };

/** --rollback: restores the backed-up files byte for byte and removes the files the migration created. */
export function rollback(options: {
  root: string;
  backupDir: string;
  print?: (line: string) => void;
}): RollbackOutcome {
  const print = options.print ?? console.log;
  const root = resolve(options.root);
  const backupDir = resolve(root, options.backupDir);
  const manifest = readManifest(backupDir);
  if (!manifest) {
    const error = `no migration backup in ${backupDir} (nothing to roll back)`;
    print(error);
    return { status: 'nothing-to-roll-back', error };
  }
  const log = new MigrationLog(print);
  log.attach(backupDir);
  if (manifest.status === 'rolled-back') {
    log.add('rollback', 'info', { summary: 'already rolled back; nothing to do' });
    return { status: 'rolled-back', restored: [], removed: [] };
  }
  const report = restore(root, backupDir, manifest);
  writeManifest(backupDir, { ...manifest, status: 'rolled-back' });
  log.add('rollback', 'rolled-back', {
    summary: `restored ${report.restored.join(', ') || 'nothing'}; removed ${report.removed.join(', ') || 'nothing'}`,
    ...report,
  });
  return { status: 'rolled-back', restored: report.restored, removed: report.removed };
}
