// Regression: PostgreSQL ids were 32-bit `integer`, so a busy cluster would stop at 2^31 messages. They are bigint
// now; node-postgres returns int8 as strings, so this also pins that ids past 2^31 come back as JS numbers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInt8 } from '../../../src/server/db/pg/client';
import { newMessage } from '../../helpers/messages';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { agentsRepositoryFor, openRepository } from '../../helpers/storage';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const BEYOND_INT32 = 3_000_000_000;

const msg = newMessage;

async function restartIdsAt(url: string, tables: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const table of tables)
      await admin.query(`ALTER TABLE ${table} ALTER COLUMN id RESTART WITH ${BEYOND_INT32}`);
  } finally {
    await admin.end();
  }
}

describe('64-bit ids on PostgreSQL', () => {
  it('stores and reads message ids past 2^31 as numbers', async () => {
    const url = await postgres.createDatabase();
    const repo = await openRepository(url);
    try {
      await restartIdsAt(url, ['messages']);
      const first = await repo.appendMessage(msg('first'));
      const reply = await repo.appendMessage(msg('reply', first.id));
      expect(first.id).toBe(BEYOND_INT32);
      expect(reply).toMatchObject({ id: BEYOND_INT32 + 1, replyTo: BEYOND_INT32 });
      expect(await repo.lastMessageId()).toBe(BEYOND_INT32 + 1);
      const history = await repo.history(null, 10);
      expect(history.map((m) => [m.id, m.replyTo])).toEqual([
        [BEYOND_INT32, null],
        [BEYOND_INT32 + 1, BEYOND_INT32],
      ]);
      expect((await repo.messagesAfter(BEYOND_INT32, 10)).map((m) => m.id)).toEqual([BEYOND_INT32 + 1]);
    } finally {
      await repo.close();
    }
  });

  it('keeps task and task-log ids past 2^31 as numbers', async () => {
    const url = await postgres.createDatabase();
    const repo = await openRepository(url);
    try {
      await restartIdsAt(url, ['messages', 'agent_tasks', 'agent_task_log']);
      const agents = agentsRepositoryFor(repo);
      const mention = await repo.appendMessage(msg('@ada build it'));
      const task = await agents.createTask({
        employee: 'ada',
        description: 'build it',
        model: 'm',
        mode: 'build',
        assignedBy: 'alice',
        messageId: mention.id,
      });
      expect(task).toMatchObject({ id: BEYOND_INT32, messageId: BEYOND_INT32 });
      await agents.appendTaskLog(task.id, [{ stream: 'stdout', line: 'hello' }]);
      const [line] = await agents.taskLog(task.id, 0, 10);
      expect(line).toMatchObject({ id: BEYOND_INT32, taskId: BEYOND_INT32 });
    } finally {
      await repo.close();
    }
  });

  it('refuses an int8 that a JS number cannot hold exactly rather than rounding it', () => {
    expect(parseInt8('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseInt8('9007199254740993')).toThrow(/does not fit/);
  });
});
