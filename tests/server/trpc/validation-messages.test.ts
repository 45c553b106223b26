// Regression (issue 14): a bad input reads as one clean sentence per field on the wire ("name must be 2-32…"),
// not "name: name: …" nor every failed check of the same field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { connectClient, startTestServer, type TestClient } from '../../helpers/server';

let app: App;
let client: TestClient;

beforeAll(async () => {
  app = await startTestServer();
  client = connectClient(app.wsUrl, { userId: 'boss' });
});

afterAll(async () => {
  await client.close();
  await app.stop();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: { message: string; data?: { code?: string } }) => ({
      message: error.message,
      code: error.data?.code,
    }),
  );

describe('validation messages', () => {
  it('says a one-letter employee name is too short once, without repeating the field name', async () => {
    const error = await failure(client.trpc.employees.hire.mutate({ name: 'a', role: 'developer' }));
    expect(error).toEqual({
      code: 'BAD_REQUEST',
      message: 'name must be 2-32 characters: letters, digits, "_" or "-"',
    });
  });

  it('gives one sentence per bad field, naming the field only when the sentence does not', async () => {
    const error = await failure(client.trpc.employees.hire.mutate({ name: '-alice', role: ' ' }));
    expect(error.message).toBe(
      'name must start and end with a letter or digit; role is empty: e.g. developer, frontend-developer, designer, tester, devops',
    );
    const send = await failure(client.trpc.chat.send.mutate({ text: '' }));
    expect(send).toEqual({
      code: 'BAD_REQUEST',
      message: 'text: Message text is empty: type something before sending',
    });
  });

  it('reads the same on the REST twin', async () => {
    const res = await fetch(`${app.httpUrl}/employees`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'boss' },
      body: JSON.stringify({ name: 'a', role: 'developer' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'name must be 2-32 characters: letters, digits, "_" or "-"',
    );
  });
});
