// The change log on every dialect: edits, deletions, reactions and thread replies take ids from the messages' own
// sequence, commit in order with messages (concurrent ones in one group too), and logAfter pages messages and
// changes together over one contiguous id range. SQLite in memory (inline committer), on a file (writer thread),
// and PostgreSQL (embedded).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangeOp,
  ChangeRefusedError,
  MissingThreadRootError,
  type NewMessage,
  type Repository,
} from '../../../src/server/db/repository';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { openRepository } from '../../helpers/storage';

let postgres: TestPostgres;
const fileDir = mkdtempSync(join(tmpdir(), 'ocs-change-log-'));
let files = 0;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(fileDir, { recursive: true, force: true });
});

const msg = (text: string, sender = 'alice'): NewMessage => ({
  text,
  sender,
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo: null,
  origin: 'api',
  clientId: null,
});

const edit = (id: number, text: string, by = 'alice'): ChangeOp => ({
  kind: 'edit',
  id,
  by,
  text,
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
});

const dialects: [string, () => Promise<string>][] = [
  ['sqlite', async () => ':memory:'],
  ['sqlite file', async () => join(fileDir, `log-${++files}.db`)],
  ['postgres', () => postgres.createDatabase()],
];

describe.each(dialects)('change log on %s', (_name, databaseUrl) => {
  const withRepo = async (body: (repo: Repository) => Promise<void>) => {
    const repo = await openRepository(await databaseUrl());
    try {
      await body(repo);
    } finally {
      await repo.close();
    }
  };

  it('gives messages and changes ids from one sequence, in the order they were asked, concurrent ones too', () =>
    withRepo(async (repo) => {
      const first = await repo.appendMessage(msg('one'));
      const results = await Promise.all([
        repo.appendMessage(msg('two')),
        repo.applyChange(edit(first.id, 'one, edited')),
        repo.appendMessage(msg('three')),
        repo.applyChange({ kind: 'react', id: first.id, by: 'bob', emoji: '🎉', on: true }),
        repo.appendMessage(msg('four')),
      ]);
      const ids = results.map((r) => (r as { id: number }).id);
      expect(ids).toEqual([first.id + 1, first.id + 2, first.id + 3, first.id + 4, first.id + 5]);
      expect(await repo.lastLogId()).toBe(first.id + 5);
      expect(await repo.lastMessageId()).toBe(first.id + 5);
      const page = await repo.logAfter(0, 100);
      expect(page.messages.map((m) => [m.id, m.text])).toEqual([
        [first.id, 'one, edited'],
        [first.id + 1, 'two'],
        [first.id + 3, 'three'],
        [first.id + 5, 'four'],
      ]);
      expect(page.changes.map((c) => [c.id, c.kind, c.messageId, c.by])).toEqual([
        [first.id + 2, 'edit', first.id, 'alice'],
        [first.id + 4, 'react', first.id, 'bob'],
      ]);
      // A change carries the message as it is now (the replay's state, not a snapshot of the past).
      expect(page.changes[0]?.message.reactions).toEqual([{ emoji: '🎉', users: ['bob'] }]);
    }));

  it('pages the log over one contiguous id range, so a page never skips an entry', () =>
    withRepo(async (repo) => {
      const a = await repo.appendMessage(msg('a'));
      for (let i = 0; i < 3; i++) await repo.applyChange(edit(a.id, `a${i}`));
      await repo.appendMessage(msg('b'));
      await repo.applyChange(edit(a.id, 'a-last'));
      const seen: number[] = [];
      let after = 0;
      while (true) {
        const { messages, changes } = await repo.logAfter(after, 2);
        const ids = [...messages.map((m) => m.id), ...changes.map((c) => c.id)].sort((x, y) => x - y);
        seen.push(...ids);
        if (ids.length < 2) break;
        after = ids.at(-1) as number;
      }
      expect(seen).toEqual([a.id, a.id + 1, a.id + 2, a.id + 3, a.id + 4, a.id + 5]);
    }));

  it('answers null, with no log entry, when nothing changed', () =>
    withRepo(async (repo) => {
      const m = await repo.appendMessage(msg('same'));
      expect(await repo.applyChange(edit(m.id, 'same'))).toBeNull();
      const on = { kind: 'react', id: m.id, by: 'bob', emoji: '👍', on: true } as const;
      expect(await repo.applyChange(on)).not.toBeNull();
      expect(await repo.applyChange(on)).toBeNull();
      expect(await repo.applyChange({ ...on, on: false })).not.toBeNull();
      expect(await repo.applyChange({ ...on, on: false })).toBeNull();
      expect((await repo.logAfter(0, 10)).changes.map((c) => c.kind)).toEqual(['react', 'react']);
    }));

  it('refuses, inside the transaction, a missing message, someone else’s edit and any change to a deleted one', () =>
    withRepo(async (repo) => {
      const m = await repo.appendMessage(msg('mine'));
      const refusal = (op: ChangeOp) =>
        repo.applyChange(op).then(
          () => 'applied',
          (e: unknown) => (e instanceof ChangeRefusedError ? e.reason : String(e)),
        );
      expect(await refusal(edit(999, 'x'))).toBe('not-found');
      expect(await refusal(edit(m.id, 'x', 'mallory'))).toBe('forbidden');
      expect(await refusal({ kind: 'delete', id: m.id, by: 'mallory' })).toBe('forbidden');
      expect(await refusal({ kind: 'delete', id: m.id, by: 'root', asAdmin: true })).toBe('applied');
      expect(await refusal(edit(m.id, 'back'))).toBe('deleted');
      expect(await refusal({ kind: 'react', id: m.id, by: 'bob', emoji: '👍', on: true })).toBe('deleted');
      const [stored] = await repo.getMessages([m.id]);
      expect(stored).toMatchObject({ text: '', mentions: [], sender: 'alice' });
      expect(stored?.deletedAt).toBeDefined();
    }));

  it('commits a thread reply with its root’s count and a thread change; a reply to a reply joins the root', () =>
    withRepo(async (repo) => {
      const root = await repo.appendMessage(msg('root'));
      const first = await repo.appendThreadReply({ ...msg('r1', 'bob'), threadRoot: root.id });
      expect(first.message).toMatchObject({ id: root.id + 1, threadRoot: root.id, text: 'r1' });
      expect(first.change).toMatchObject({ id: root.id + 2, kind: 'thread', messageId: root.id, by: 'bob' });
      expect(first.change.message).toMatchObject({ replyCount: 1, lastReplyAt: first.message.createdAt });
      const nested = await repo.appendThreadReply({
        ...msg('r2'),
        threadRoot: first.message.id,
        alsoInChannel: true,
      });
      expect(nested.message).toMatchObject({ threadRoot: root.id, alsoInChannel: true });
      expect(nested.change.message.replyCount).toBe(2);
      expect((await repo.thread(root.id)).map((m) => m.text)).toEqual(['root', 'r1', 'r2']);
      await expect(repo.appendThreadReply({ ...msg('lost'), threadRoot: 4242 })).rejects.toBeInstanceOf(
        MissingThreadRootError,
      );
      // Plain messages stay plain: none of the richer chat's fields.
      const [plain] = await repo.getMessages([root.id + 10]);
      expect(plain).toBeUndefined();
      const [again] = await repo.logAfter(nested.change.id, 10).then((p) => p.messages);
      expect(again).toBeUndefined();
      const fresh = await repo.appendMessage(msg('plain'));
      expect(Object.keys((await repo.getMessages([fresh.id]))[0] ?? {})).toHaveLength(12);
    }));
});
