// Agents side by side (issue 21) with the real opencode and the scripted model on a real git repository: two agents
// change the same file at once on their own branches, both reviewable; the first merge fast-forwards, the second
// conflicts, "@bob resolve" has the agent resolve it in the same session, and the second merge is a merge commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../../src/server/services';
import type { Message } from '../../../../src/shared/message';
import { agentServices, callerFor, hire, say, stopAgentServices, waitForMessage } from '../helpers';
import { type AttachedOpencode, attachedOpencode } from './harness';

let oc: AttachedOpencode;
const LONG = 90_000;
const carol = { id: 'carol', role: 'user' as const };
const dave = { id: 'dave', role: 'user' as const };

beforeAll(async () => {
  oc = await attachedOpencode('side-by-side-password');
}, 120_000);

afterAll(() => oc?.stop());
afterEach(() => stopAgentServices());

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: oc.world.project, encoding: 'utf8' }).trim();
const from =
  (agent: string, start: string, after = 0) =>
  (m: Message) =>
    m.sender === agent && m.text.startsWith(start) && m.id > after;

async function taskOf(services: Services, agent: string) {
  const [task] = await callerFor(services, carol).tasks.list({ employee: agent });
  if (!task) throw new Error(`${agent} has no task`);
  return task;
}

describe('agents side by side on one git repository', { timeout: 300_000 }, () => {
  it('two agents change one file at once; merge, conflict, "@bob resolve" in the same session, merge again', async () => {
    const services = await agentServices(oc.settings);
    await hire(services, 'alice', 'developer');
    await hire(services, 'bob', 'developer');
    const base = git('symbolic-ref', '--short', 'HEAD');

    await say(services, 'carol', '@alice please write the notes (script:notes note:alpha)');
    await say(services, 'carol', '@bob please write the notes (script:notes note:beta)');
    const aliceDone = await waitForMessage(services, from('alice', '✅ Done'), "alice's result", LONG);
    const bobDone = await waitForMessage(services, from('bob', '✅ Done'), "bob's result", LONG);
    const alice = await taskOf(services, 'alice');
    const bob = await taskOf(services, 'bob');
    expect(alice.branch).toMatch(new RegExp(`^agent/alice/${alice.id}-write-the-notes`));
    expect(bob.branch).toMatch(new RegExp(`^agent/bob/${bob.id}-write-the-notes`));
    // At once: each started before the other finished.
    expect(Date.parse(alice.startedAt as string)).toBeLessThan(Date.parse(bob.finishedAt as string));
    expect(Date.parse(bob.startedAt as string)).toBeLessThan(Date.parse(alice.finishedAt as string));
    expect(aliceDone.text).toContain(`🌿 Branch ${alice.branch} (from ${base}): notes.txt (+1 −0)`);
    expect(aliceDone.text).toContain('Review it in the web app, or reply merge / discard');
    expect(bobDone.text).toContain(`🌿 Branch ${bob.branch} (from ${base}): notes.txt (+1 −0)`);
    // Nothing of theirs reached the project before a merge.
    expect(git('status', '--porcelain')).toBe('');

    // Both reviewable; only the assigner or an admin may.
    const aliceDiff = await callerFor(services, carol).tasks.diff({ id: alice.id });
    expect(aliceDiff).toMatchObject({ branch: alice.branch, base, state: 'open' });
    expect(aliceDiff.files).toMatchObject([{ path: 'notes.txt', status: 'added', additions: 1 }]);
    expect(aliceDiff.files[0]?.patch).toContain('+alpha');
    const bobDiff = await callerFor(services, carol).tasks.diff({ id: bob.id });
    expect(bobDiff.files[0]?.patch).toContain('+beta');
    await expect(callerFor(services, dave).tasks.merge({ id: bob.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    // The first merge fast-forwards the base.
    const first = await callerFor(services, carol).tasks.merge({ id: alice.id });
    expect(first).toMatchObject({ taskId: alice.id, branch: alice.branch, base, fastForward: true });
    expect(readFileSync(join(oc.world.project, 'notes.txt'), 'utf8')).toBe('alpha\n');
    await waitForMessage(services, from('alice', `🔀 Merged ${alice.branch} into ${base} (fast-forward)`));

    // The second conflicts: CONFLICT naming the file, and bob says so in the chat.
    await expect(callerFor(services, carol).tasks.merge({ id: bob.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('notes.txt'),
    });
    const conflict = await waitForMessage(services, from('bob', "@carol I can't merge"), 'the conflict');
    expect(conflict.text).toContain('it conflicts in notes.txt');
    expect(conflict.text).toContain('Reply "@bob resolve" (or ask me anything) to have me resolve it.');
    expect(readFileSync(join(oc.world.project, 'notes.txt'), 'utf8')).toBe('alpha\n');

    // "@bob resolve" (asked by dave): the same session, the same branch; the agent resolves the markers.
    await say(services, 'dave', '@bob resolve', conflict.id);
    const resolved = await waitForMessage(
      services,
      from('bob', '✅ Done', conflict.id),
      'the resolution',
      LONG,
    );
    expect(resolved.text).toContain('I resolved the conflict in notes.txt');
    expect(resolved.text).toContain(`🌿 Branch ${bob.branch}`);
    const continuation = await taskOf(services, 'bob');
    expect(continuation).toMatchObject({
      sessionId: bob.sessionId,
      branch: bob.branch,
      branchState: 'open',
      assignedBy: 'dave',
    });
    // Asking for the continuation does not hand dave carol's branch.
    await expect(callerFor(services, dave).tasks.merge({ id: continuation.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: `only an admin or carol (who assigned task #${bob.id}) may merge bob's branch`,
    });
    const prompts = oc.world.model.prompts().map((r) => JSON.stringify(r.messages));
    expect(prompts.some((p) => p.includes('conflict markers') && p.includes('notes.txt'))).toBe(true);

    // The second merge succeeds: the base moves to the branch's merge commit (base merged in, resolved).
    const second = await callerFor(services, carol).tasks.merge({ id: bob.id });
    expect(second).toMatchObject({ branch: bob.branch, base, fastForward: true });
    expect(git('rev-list', '--parents', '-n', '1', second.commit).split(' ')).toHaveLength(3);
    expect(readFileSync(join(oc.world.project, 'notes.txt'), 'utf8')).toBe('alpha\nbeta\n');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    const { updates } = await callerFor(services, carol).tasks.timeline({ taskId: bob.id });
    const states = updates.flatMap((u) => (u.event.kind === 'branch' ? [u.event.state] : []));
    expect(states).toEqual(['open', 'conflict', 'merged']);
  });
});
