// Stats storage on both dialects: per-hour counters add up across hours and instances and are still there after a
// reopen; agents' replies come joined with the message they answer, newest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../../src/server/db/repository';
import { newMessage } from '../../helpers/messages';
import { startPostgres, type TestPostgres } from '../../helpers/postgres';
import { tempDir } from '../../helpers/server';
import { openRepository, statsRepositoryFor } from '../../helpers/storage';

let postgres: TestPostgres;
const repos: Repository[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const repo of repos) await repo.close().catch(() => {});
  await postgres?.stop();
});

const open = async (url: string) => {
  const repo = await openRepository(url);
  repos.push(repo);
  return repo;
};

const dialects: [string, () => Promise<string>][] = [
  ['SQLite', async () => `${tempDir()}/chat.db`],
  ['PostgreSQL', () => postgres.createDatabase()],
];

describe.each(dialects)('stats storage on %s', (_name, databaseUrl) => {
  it('adds counts per hour and keeps them when the database is opened again', async () => {
    const url = await databaseUrl();
    const first = await open(url);
    const stats = statsRepositoryFor(first);
    expect(await stats.totals()).toEqual({ rate_limit_hits: 0, telegram_rate_limit_hits: 0, errors: 0 });
    await stats.bump('rate_limit_hits', 1, new Date('2026-12-01T10:15:00Z'));
    await stats.bump('rate_limit_hits', 2, new Date('2026-12-01T10:45:00Z'));
    await stats.bump('rate_limit_hits', 1, new Date('2026-12-01T11:05:00Z'));
    await stats.bump('errors', 1, new Date('2026-12-01T11:05:00Z'));
    await first.close();

    const again = statsRepositoryFor(await open(url));
    expect(await again.totals()).toEqual({ rate_limit_hits: 4, telegram_rate_limit_hits: 0, errors: 1 });
  });

  it('lists agent replies with the mentions and time of the message they answer, newest first', async () => {
    const repo = await open(await databaseUrl());
    const base = { ...newMessage(''), origin: 'websocket' as const };
    const ask = await repo.appendMessage({
      ...base,
      text: '@ada hi',
      sender: 'carol',
      senderKind: 'user',
      mentions: ['ada'],
    });
    const reply = (text: string) =>
      repo.appendMessage({
        ...base,
        text,
        sender: 'ada',
        senderKind: 'agent',
        mentions: [],
        replyTo: ask.id,
        origin: 'agent',
      });
    const first = await reply('on it');
    const second = await reply('done');
    const rows = await statsRepositoryFor(repo).agentReplies(10);
    expect(rows).toEqual([
      { askId: ask.id, agent: 'ada', mentions: ['ada'], askedAt: ask.createdAt, repliedAt: second.createdAt },
      { askId: ask.id, agent: 'ada', mentions: ['ada'], askedAt: ask.createdAt, repliedAt: first.createdAt },
    ]);
    expect(await statsRepositoryFor(repo).agentReplies(1)).toHaveLength(1);
  });

  it("counts a task's acknowledgement in the mention's thread as the agent's reply to it", async () => {
    const repo = await open(await databaseUrl());
    const base = { isCommand: false, command: null, commandArgs: [], replyTo: null };
    const mention = await repo.appendMessage({
      ...base,
      text: '@ada please add a login form',
      sender: 'carol',
      senderKind: 'user',
      mentions: ['ada'],
      origin: 'websocket',
    });
    const { message: ack } = await repo.appendThreadReply({
      ...base,
      text: '@carol on it',
      sender: 'ada',
      senderKind: 'agent',
      mentions: ['carol'],
      origin: 'agent',
      threadRoot: mention.id,
    });
    expect(await statsRepositoryFor(repo).agentReplies(10)).toEqual([
      {
        askId: mention.id,
        agent: 'ada',
        mentions: ['ada'],
        askedAt: mention.createdAt,
        repliedAt: ack.createdAt,
      },
    ]);
  });
});
