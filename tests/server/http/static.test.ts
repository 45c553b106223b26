// The static client: app routes such as /admin (issue 14: the admin area has its own URL) get index.html, so a
// reload or a shared link opens the app there; real files are served as themselves; nothing outside the folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/app';
import { startTestServer, tempDir } from '../../helpers/server';

let app: App;

beforeAll(async () => {
  const clientDir = tempDir('ocs-static-');
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>the app</title>');
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'assets', 'main-abc123.js'), 'console.log(1)');
  app = await startTestServer({}, { clientDir });
});

afterAll(async () => {
  await app.stop();
});

describe('static client', () => {
  it.each(['/', '/admin', '/admin/', '/admin?tab=stats'])('answers %s with the app', async (path) => {
    const res = await fetch(`${app.httpUrl}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('the app');
  });

  it('serves built assets as themselves, cached for good', async () => {
    const res = await fetch(`${app.httpUrl}/assets/main-abc123.js`);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('never reads outside the client folder', async () => {
    const res = await fetch(`${app.httpUrl}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
    expect(await res.text()).toContain('the app');
  });
});
