// /metrics is for operators (issue 15.7): admins and the METRICS_TOKEN scraper in token mode, a direct loopback
// call in open mode; strangers (no token, a user token, a call a local proxy forwards) are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { mintToken } from '../../../src/server/auth';
import { startTestServer } from '../../helpers/server';
import { TEST_SECRET } from '../../helpers/services';

const METRICS_TOKEN = 'prometheus-scrape-0b7c1d2e3f';
const scrape = (app: App, headers: Record<string, string> = {}) =>
  fetch(`${app.httpUrl}/metrics`, { headers }).then(async (res) => ({
    status: res.status,
    text: await res.text(),
  }));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('GET /metrics in token mode', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer({ AUTH_SECRET: TEST_SECRET, METRICS_TOKEN });
  });
  afterAll(() => app.stop());

  it('refuses strangers (401) and non-admins (403) without showing a single series', async () => {
    const anonymous = await scrape(app);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('ocs_');
    expect((await scrape(app, bearer('not-the-token-at-all-123'))).status).toBe(401);
    const user = await scrape(app, bearer(await mintToken(TEST_SECRET, { user: 'una', role: 'user' })));
    expect(user.status).toBe(403);
    expect(user.text).not.toContain('ocs_');
  });

  it('serves the scrape token and admins', async () => {
    for (const token of [METRICS_TOKEN, await mintToken(TEST_SECRET, { user: 'ada', role: 'admin' })]) {
      const answer = await scrape(app, bearer(token));
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('ocs_');
    }
  });
});

describe('GET /metrics in open mode', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestServer();
  });
  afterAll(() => app.stop());

  it('serves a direct call on this machine, not one a local proxy forwards', async () => {
    expect((await scrape(app)).status).toBe(200);
    const forwarded = await scrape(app, { 'x-forwarded-for': '198.51.100.4' });
    expect(forwarded.status).toBe(403);
    expect(forwarded.text).toMatch(/METRICS_TOKEN/);
  });
});
