// The storage contract, run on both dialects: SQLite (in memory: commits in the calling thread; on a file: commits
// in the writer thread) and PostgreSQL (embedded, a fresh database per test). Every repository the hub, agents and
// transports use behaves the same on each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentExistsError } from '../../../src/server/db/agents-repository';
import {
  DuplicateClientIdError,
  MissingReplyError,
  type NewMessage,
  type Repository,
} from '../../../src/server/db/repository';
import { STATE_FORWARD_CURSOR, STATE_UPDATE_OFFSET } from '../../../src/server/db/transport-repository';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import {
  agentsRepositoryFor,
  auditRepositoryFor,
  openRepository,
  transportRepositoryFor,
} from '../../helpers/storage';

let postgres: TestPostgres;
const fileDir = mkdtempSync(join(tmpdir(), 'ocs-contract-'));
let files = 0;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(fileDir, { recursive: true, force: true });
});

const msg = (text: string, replyTo: number | null = null): NewMessage => ({
  text,
  sender: 'alice',
  senderKind: 'user',
  mentions: ['bob'],
  isCommand: false,
  command: null,
  commandArgs: ['x'],
  replyTo,
  origin: 'api',
  clientId: null,
});

const dialects: [string, () => Promise<string>][] = [
  ['sqlite', async () => ':memory:'],
  ['sqlite file', async () => join(fileDir, `contract-${++files}.db`)],
  ['postgres', () => postgres.createDatabase()],
];

describe.each(dialects)('storage contract on %s', (_name, databaseUrl) => {
  const withRepo = async (body: (repo: Repository) => Promise<void>) => {
    const repo = await openRepository(await databaseUrl());
    try {
      await body(repo);
    } finally {
      await repo.close();
    }
  };

  it('commits concurrent appends together, in order, with increasing ids', () =>
    withRepo(async (repo) => {
      const saved = await Promise.all(
        Array.from({ length: 100 }, (_, i) => repo.appendMessage(msg(`m${i}`))),
      );
      expect(saved.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const stored = await repo.messagesAfter(0, 500);
      expect(stored).toEqual(saved);
      expect(stored[0]).toMatchObject({
        mentions: ['bob'],
        commandArgs: ['x'],
        isCommand: false,
        replyTo: null,
      });
      expect(await repo.lastMessageId()).toBe(100);
    }));

  it('rejects only the message whose replyTo is missing, and writes nothing for it', () =>
    withRepo(async (repo) => {
      const first = await repo.appendMessage(msg('first'));
      const results = await Promise.allSettled([
        repo.appendMessage(msg('orphan', 999)),
        repo.appendMessage(msg('reply to first', first.id)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(MissingReplyError);
      expect((await repo.messagesAfter(0, 10)).map((m) => [m.text, m.replyTo])).toEqual([
        ['first', null],
        ['reply to first', 1],
      ]);
    }));

  it('commits a retried clientId once and answers the retry with the first copy', () =>
    withRepo(async (repo) => {
      const first = await repo.appendMessage({ ...msg('hi'), clientId: 'c-1' });
      const results = await Promise.allSettled([
        repo.appendMessage({ ...msg('hi'), clientId: 'c-1' }),
        repo.appendMessage({ ...msg('other'), clientId: 'c-2' }),
        repo.appendMessage({ ...msg('other'), clientId: 'c-2' }),
        repo.appendMessage({ ...msg('from bob'), sender: 'bob', clientId: 'c-1' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
      const retry = (results[0] as PromiseRejectedResult).reason;
      expect(retry).toBeInstanceOf(DuplicateClientIdError);
      expect((retry as DuplicateClientIdError).existing).toEqual(first);
      const sameBatch = (results[2] as PromiseRejectedResult).reason as DuplicateClientIdError;
      expect(sameBatch.existing).toEqual((results[1] as PromiseFulfilledResult<unknown>).value);
      expect((await repo.messagesAfter(0, 10)).map((m) => [m.sender, m.clientId])).toEqual([
        ['alice', 'c-1'],
        ['alice', 'c-2'],
        ['bob', 'c-1'],
      ]);
    }));

  it('pages history back in time, oldest first within a page', () =>
    withRepo(async (repo) => {
      for (let i = 1; i <= 5; i++) await repo.appendMessage(msg(`m${i}`));
      expect((await repo.history(null, 2)).map((m) => m.id)).toEqual([4, 5]);
      expect((await repo.history(4, 2)).map((m) => m.id)).toEqual([2, 3]);
      expect((await repo.history(2, 2)).map((m) => m.id)).toEqual([1]);
    }));

  it('counts messages by origin and per hour, and stores settings', () =>
    withRepo(async (repo) => {
      await repo.appendMessage(msg('a'));
      await repo.appendMessage({ ...msg('b'), origin: 'websocket' });
      const stats = await repo.messageStats();
      expect(stats.total).toBe(2);
      expect(stats.byOrigin).toEqual({ api: 1, websocket: 1 });
      expect(stats.perHour).toHaveLength(24);
      expect(stats.perHour.at(-1)?.count).toBe(2);
      expect(await repo.getSetting('k')).toBeNull();
      await repo.setSetting('k', 'one');
      await repo.setSetting('k', 'two');
      expect(await repo.getSetting('k')).toBe('two');
    }));

  it('keeps employees unique and moves tasks between states with their log', () =>
    withRepo(async (repo) => {
      const agents = agentsRepositoryFor(repo);
      const ada = {
        name: 'ada',
        role: 'developer',
        smartness: 'smart' as const,
        hiredBy: 'root',
        hiredAt: 'T1',
      };
      await agents.insertAgent(ada);
      await expect(agents.insertAgent(ada)).rejects.toBeInstanceOf(AgentExistsError);
      // No model chosen at hire: null (AGENT_MODEL, else opencode's default, applies).
      expect(await agents.listAgents()).toEqual([{ ...ada, model: null }]);
      const base = { employee: 'ada', model: 'm', mode: 'build', assignedBy: 'root', messageId: null };
      const one = await agents.createTask({ ...base, description: 'one' });
      const two = await agents.createTask({ ...base, description: 'two' });
      await agents.updateTask(one.id, { status: 'running', startedAt: 'T2' });
      const moved = await agents.moveTasks(['running', 'queued'], 'interrupted', 'restart');
      expect(moved.map((t) => [t.id, t.status, t.reason, t.finishedAt !== null])).toEqual([
        [one.id, 'interrupted', 'restart', true],
        [two.id, 'interrupted', 'restart', true],
      ]);
      expect((await agents.listTasks({ order: 'desc', limit: 1 })).map((t) => t.id)).toEqual([two.id]);
      await agents.appendTaskLog(one.id, [
        { stream: 'stdout', line: 'a' },
        { stream: 'stderr', line: 'b' },
      ]);
      const log = await agents.taskLog(one.id, 0, 10);
      expect(log.map((l) => [l.stream, l.line])).toEqual([
        ['stdout', 'a'],
        ['stderr', 'b'],
      ]);
      expect(await agents.taskLog(one.id, log[0]?.id ?? 0, 10)).toHaveLength(1);
      expect(await agents.deleteAgent('ada')).toBe(true);
      expect(await agents.getAgent('ada')).toBeNull();
    }));

  it('claims each queued task once, oldest first, however many claim at the same time', () =>
    withRepo(async (repo) => {
      const agents = agentsRepositoryFor(repo);
      const base = { model: 'm', mode: 'build', assignedBy: 'root', messageId: null };
      const first = await agents.createTask({ ...base, employee: 'ada', description: 'first' });
      const second = await agents.createTask({ ...base, employee: 'ada', description: 'second' });
      await agents.createTask({ ...base, employee: 'bob', description: 'not ada’s' });
      const claims = await Promise.all(Array.from({ length: 6 }, () => agents.claimNextTask('ada', 'T1')));
      const claimed = claims.filter((t) => t !== null);
      expect(claimed.map((t) => t.id).sort((a, b) => a - b)).toEqual([first.id, second.id]);
      expect(claimed.every((t) => t.status === 'running' && t.startedAt === 'T1')).toBe(true);
      expect(await agents.claimNextTask('ada', 'T2')).toBeNull();
      expect((await agents.listTasks({ agent: 'bob' }))[0]?.status).toBe('queued');
    }));

  it('stores a task’s git branch, base, branch state and commit (null until set, carried by a continuation)', () =>
    withRepo(async (repo) => {
      const agents = agentsRepositoryFor(repo);
      const base = { employee: 'ada', model: 'm', mode: 'build', assignedBy: 'root', messageId: null };
      const task = await agents.createTask({ ...base, description: 'login form' });
      expect(task).toMatchObject({ branch: null, baseBranch: null, branchState: null, commitSha: null });
      const branch = `agent/ada/${task.id}-login-form`;
      await agents.updateTask(task.id, { branch, baseBranch: 'main' });
      const committed = await agents.updateTask(task.id, { branchState: 'open', commitSha: 'a'.repeat(40) });
      expect(committed).toMatchObject({
        branch,
        baseBranch: 'main',
        branchState: 'open',
        commitSha: 'a'.repeat(40),
      });
      const follow = await agents.createTask({
        ...base,
        description: 'make it blue',
        branch,
        baseBranch: 'main',
      });
      expect(await agents.getTask(follow.id)).toMatchObject({
        branch,
        baseBranch: 'main',
        branchState: null,
      });
    }));

  it('queues outbox parts with the cursor, sends them in order and maps ids', () =>
    withRepo(async (repo) => {
      const store = transportRepositoryFor(repo);
      const part = { chatId: '-1', html: 'x', replyTo: null, part: 1, parts: 1 };
      await store.enqueue(
        [
          { ...part, messageId: 1 },
          { ...part, messageId: 2 },
        ],
        2,
      );
      expect(await store.getState(STATE_FORWARD_CURSOR)).toBe('2');
      expect(await store.outboxDepth()).toBe(2);
      const first = await store.nextOutbox();
      expect(first?.messageId).toBe(1);
      await store.recordAttempt(first?.id ?? 0, 'timeout');
      expect(await store.nextOutbox()).toMatchObject({ messageId: 1, attempts: 1, lastError: 'timeout' });
      await store.markSent(first as NonNullable<typeof first>, 500);
      expect(await store.telegramIdFor('-1', 1)).toBe(500);
      expect(await store.messageIdFor('-1', 500)).toBe(1);
      const second = await store.nextOutbox();
      await store.markFailed(second?.id ?? 0, 'bad request');
      expect([await store.outboxDepth(), await store.failedCount()]).toEqual([0, 1]);
      // A message sent in parts maps each part; an edit or a deletion reaches them all, in order.
      await store.enqueue([{ ...part, messageId: 1, part: 2, parts: 2 }], 3);
      const secondPart = await store.nextOutbox();
      await store.markSent(secondPart as NonNullable<typeof secondPart>, 501);
      expect(await store.telegramIdsFor('-1', 1)).toEqual([500, 501]);
      expect(await store.telegramIdsFor('-1', 2)).toEqual([]);
      // A row carried out with nothing to map (an edit of a message Telegram never had) just leaves the queue.
      await store.enqueue([{ ...part, messageId: 2, part: 1, parts: -1 }], 4);
      const edit = await store.nextOutbox();
      await store.markDone(edit?.id ?? 0);
      expect([await store.outboxDepth(), await store.telegramIdsFor('-1', 2)]).toEqual([0, []]);
      await store.setState(STATE_FORWARD_CURSOR, null);
      expect(await store.getState(STATE_FORWARD_CURSOR)).toBeNull();
    }));

  it('records Telegram updates once and advances the offset', () =>
    withRepo(async (repo) => {
      const store = transportRepositoryFor(repo);
      expect(await store.updateStatus(7)).toBeNull();
      await store.beginUpdate({ updateId: 7, lastIdBefore: 0, payload: '{"a":1}' });
      await store.beginUpdate({ updateId: 7, lastIdBefore: 0, payload: '{"a":2}' });
      expect(await store.pendingUpdates()).toEqual([{ updateId: 7, lastIdBefore: 0, payload: '{"a":1}' }]);
      await store.completeUpdate(7, { messageId: 3, chatId: '-1', telegramMessageId: 70 });
      await store.completeUpdate(8, null, 'other chat');
      expect([await store.updateStatus(7), await store.updateStatus(8)]).toEqual(['done', 'skipped']);
      expect(await store.getState(STATE_UPDATE_OFFSET)).toBe('8');
      expect(await store.messageIdFor('-1', 70)).toBe(3);
      expect(await store.pendingUpdates()).toEqual([]);
    }));

  it('keeps the audit log newest first, filtered by action', () =>
    withRepo(async (repo) => {
      const audit = auditRepositoryFor(repo);
      await audit.record({
        actor: 'root',
        action: 'employees.hire',
        target: 'ada',
        details: { role: 'dev' },
      });
      const second = await audit.record({ actor: 'root', action: 'communication.switch', outcome: 'error' });
      expect(second).toMatchObject({ outcome: 'error', details: {}, target: null });
      const all = await audit.list({ before: null, limit: 10 });
      expect(all.map((e) => e.action)).toEqual(['communication.switch', 'employees.hire']);
      expect(all[1]?.details).toEqual({ role: 'dev' });
      expect(await audit.list({ before: null, limit: 10, action: 'employees.hire' })).toHaveLength(1);
    }));
});

describe('PostgreSQL across instances', () => {
  it('makes ids visible in id order to a reader while two instances write at once', async () => {
    const url = await postgres.createDatabase();
    const [a, b, reader] = await Promise.all([openRepository(url), openRepository(url), openRepository(url)]);
    try {
      const writes = Promise.all(
        Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).appendMessage(msg(`m${i}`))),
      );
      const seen: number[] = [];
      let done = false;
      void writes.then(() => {
        done = true;
      });
      // A tailer reading id > lastSeen must never skip an id that commits later.
      while (!done || seen.length < 300) {
        // Whether the writes had finished before this read started: a read already under way when they finish
        // may not see the last commits, and an empty page from it does not mean the end.
        const finished = done;
        const page = await reader.messagesAfter(seen.at(-1) ?? 0, 1000);
        seen.push(...page.map((m) => m.id));
        if (finished && page.length === 0) break;
      }
      await writes;
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    } finally {
      await Promise.all([a.close(), b.close(), reader.close()]);
    }
  });

  it('migrates once when instances start together', async () => {
    const url = await postgres.createDatabase();
    const repos = await Promise.all([openRepository(url), openRepository(url), openRepository(url)]);
    expect(await Promise.all(repos.map((r) => r.lastMessageId()))).toEqual([0, 0, 0]);
    await Promise.all(repos.map((r) => r.close()));
  });
});
