// Test set-up for agent tests: services with a temp PROJECT_ROOT and fixture workers, and chat-reading helpers.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../../src/server/services';
import type { Message } from '../../../src/shared/message';
import { tempDir, waitFor } from '../../helpers/server';
import { callerFor, createTestServices } from '../../helpers/services';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** A worker command template running one of the fixture scripts with node (argv entries, no shell). */
export const fixtureCommand = (script: string, ...extra: string[]) =>
  [`'${process.execPath}'`, `'${join(FIXTURES, script)}'`, ...extra].join(' ');

const started: Services[] = [];

/** A temporary git repository with one commit on `main`: agents work there side by side, each on a branch. */
export function gitProject(): string {
  const dir = tempDir('ocs-git-');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
  return dir;
}

/**
 * Without AGENT_WORKER_COMMAND tasks go to opencode: these tests point it at a loopback port nothing listens on
 * (the tests in ./opencode run the real binary against a scripted model instead).
 */
export const NO_OPENCODE = 'http://127.0.0.1:9';

export async function agentServices(env: Record<string, string> = {}): Promise<Services> {
  const services = await createTestServices({
    PROJECT_ROOT: tempDir('ocs-agents-'),
    DATA_DIR: tempDir('ocs-data-'),
    OPENCODE_URL: NO_OPENCODE,
    ...env,
  });
  started.push(services);
  return services;
}

/** Stops every worker and closes every database the test opened (call in afterEach). */
export async function stopAgentServices(): Promise<void> {
  const all = started.splice(0);
  for (const services of all) {
    await services.agents.stop();
    await services.repo.close();
  }
}

/** Every message, in the main conversation or in a thread (an agent's task talk lives in its task's thread). */
export async function allMessages(services: Services): Promise<Message[]> {
  return services.repo.messagesAfter(0, 1000);
}

/** The main conversation as chat.history shows it (thread replies only when also sent to the channel). */
export async function mainList(services: Services): Promise<Message[]> {
  return services.repo.history(null, 200);
}

/** The replies in the thread of `root`, oldest first, as chat.thread shows them to a person. */
export async function threadReplies(services: Services, root: number): Promise<Message[]> {
  const reader = callerFor(services, { id: 'reader', role: 'user' });
  return (await reader.chat.thread({ root, limit: 500 })).replies;
}

/** Waits until a message matching `match` is committed and returns it. */
export async function waitForMessage(
  services: Services,
  match: (m: Message) => boolean,
  what = 'a message',
  timeoutMs = 10_000,
): Promise<Message> {
  let found: Message | undefined;
  const deadline = Date.now() + timeoutMs;
  while (!found) {
    found = (await allMessages(services)).find(match);
    if (found) break;
    if (Date.now() > deadline) {
      const seen = (await allMessages(services)).map((m) => `${m.sender}: ${m.text}`).join('\n');
      throw new Error(`timed out waiting for ${what}; chat so far:\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return found;
}

export async function hire(services: Services, name: string, role: string) {
  return callerFor(services, { id: 'boss', role: 'admin' }).employees.hire({ name, role });
}

export const say = (services: Services, user: string, text: string, replyTo?: number) =>
  callerFor(services, { id: user, role: 'user' }).chat.send({ text, replyTo });

export { callerFor, waitFor };
