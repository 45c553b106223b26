// Task branches from the chat (issue 21), with a command-mode worker on a real git repository: the result names the
// branch, "merge" / "discard" in reply act as the person replying (others are told who may), a project with
// uncommitted changes is not touched, and without git the agents take turns and say so.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/shared/message';
import {
  agentServices,
  callerFor,
  fixtureCommand,
  gitProject,
  hire,
  say,
  stopAgentServices,
  waitForMessage,
} from './helpers';

afterEach(stopAgentServices);

const WORKER = fixtureCommand('branch-worker.mjs', '{task}');
const from = (agent: string, start: string) => (m: Message) => m.sender === agent && m.text.startsWith(start);
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

async function branchTeam() {
  const project = gitProject();
  const services = await agentServices({ PROJECT_ROOT: project, AGENT_WORKER_COMMAND: WORKER });
  await hire(services, 'alice', 'developer');
  return { services, project };
}

describe('task branches from the chat', () => {
  it('the result names the branch; "merge" in reply by someone else is refused, by the assigner merges', async () => {
    const { services, project } = await branchTeam();
    await say(services, 'carol', '@alice please add the greeting');
    const done = await waitForMessage(services, from('alice', '✅ Done'), 'the result');
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task).toMatchObject({ branch: `agent/alice/${task?.id}-add-the-greeting`, branchState: 'open' });
    expect(done.text).toContain(`🌿 Branch ${task?.branch} (from main): alice.txt (+1 −0)`);
    expect(existsSync(join(project, 'alice.txt'))).toBe(false);

    await say(services, 'dave', 'merge', done.id);
    const refused = await waitForMessage(services, from('alice', '@dave only'), 'the refusal');
    expect(refused.text).toBe(
      `@dave only an admin or carol (who assigned task #${task?.id}) may merge alice's branch.`,
    );
    const command = await say(services, 'carol', '@alice merge', done.id);
    const merged = await waitForMessage(services, from('alice', '🔀 Merged'), 'the merge');
    // Said in the task's thread, quoting the command.
    expect(merged).toMatchObject({ threadRoot: done.threadRoot, replyTo: command.id });
    expect(merged.text).toContain(`Merged ${task?.branch} into main (fast-forward) for @carol`);
    expect(readFileSync(join(project, 'alice.txt'), 'utf8')).toBe('add the greeting\n');
    expect(git(project, 'log', '-1', '--format=%an%n%B')).toContain('alice');
    const [after] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(after?.branchState).toBe('merged');
    // Merged once: a second "merge" is told there is nothing left to merge.
    await say(services, 'carol', 'merge', done.id);
    const again = await waitForMessage(services, from('alice', '@carol task #'), 'the second answer');
    expect(again.text).toContain('was merged already');
  });

  it('"discard" in reply drops the branch and its worktree', async () => {
    const { services, project } = await branchTeam();
    await say(services, 'carol', '@alice please add the greeting');
    const done = await waitForMessage(services, from('alice', '✅ Done'), 'the result');
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    await say(services, 'carol', 'discard', done.id);
    const discarded = await waitForMessage(services, from('alice', '🗑 Discarded'), 'the discard');
    expect(discarded.threadRoot).toBe(task?.messageId);
    expect(discarded.text).toContain(`Discarded ${task?.branch} for @carol`);
    expect(git(project, 'branch', '--list', 'agent/*')).toBe('');
    expect(git(project, 'worktree', 'list').split('\n')).toHaveLength(1);
    const { updates } = await callerFor(services).tasks.timeline({ taskId: task?.id as number });
    expect(updates.flatMap((u) => (u.event.kind === 'branch' ? [[u.event.state, u.event.by]] : []))).toEqual([
      ['open', null],
      ['discarded', 'carol'],
    ]);
  });

  it('"merge" written in the task\'s thread, quoting nothing, merges the branch', async () => {
    const { services, project } = await branchTeam();
    const mention = await say(services, 'carol', '@alice please add the greeting');
    await waitForMessage(services, from('alice', '✅ Done'), 'the result');
    await callerFor(services, { id: 'carol', role: 'user' }).chat.send({
      text: 'merge',
      threadRoot: mention.id,
    });
    const merged = await waitForMessage(services, from('alice', '🔀 Merged'), 'the merge');
    expect(merged.threadRoot).toBe(mention.id);
    expect(readFileSync(join(project, 'alice.txt'), 'utf8')).toBe('add the greeting\n');
  });

  it('a project with uncommitted changes is not touched: the agent says why', async () => {
    const { services, project } = await branchTeam();
    writeFileSync(join(project, 'README.md'), 'one\n');
    git(project, 'add', 'README.md');
    git(project, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'readme');
    writeFileSync(join(project, 'README.md'), 'two\n');
    await say(services, 'carol', '@alice please add the greeting');
    const refused = await waitForMessage(services, from('alice', "I can't start work"), 'the refusal');
    expect(refused.text).toContain(
      'The project has uncommitted changes on main (README.md); nothing was started.',
    );
    const [task] = await callerFor(services).tasks.list({ employee: 'alice' });
    expect(task?.status).toBe('failed');
    expect(git(project, 'branch', '--list', 'agent/*')).toBe('');
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toBe('two\n');
  });

  it('without git, agents take turns in PROJECT_ROOT and the acknowledgement says whose task it waits for', async () => {
    const services = await agentServices({ AGENT_WORKER_COMMAND: WORKER });
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'developer');
    await say(services, 'carol', '@alice please add the greeting and hold');
    await waitForMessage(services, (m) => m.sender === 'alice', "alice's acknowledgement");
    await say(services, 'carol', '@bob please add the farewell');
    const ack = await waitForMessage(services, (m) => m.sender === 'bob', "bob's acknowledgement");
    expect(ack.text).toContain("(waiting for alice's task: this project has no git, so agents take turns.)");
    const [bobTask] = await callerFor(services).tasks.list({ employee: 'bob' });
    expect(bobTask?.status).toBe('queued');
    await callerFor(services, { id: 'carol', role: 'user' }).tasks.stop({ employee: 'alice' });
    await waitForMessage(services, from('bob', '✅ Done'), "bob's result after alice's");
  });
});
