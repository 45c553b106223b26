// Identity and run-time config: remembered sign-in, token claims for display, the WebSocket URL for a page.
import { describe, expect, it } from 'vitest';
import {
  connectionParams,
  loadIdentity,
  saveIdentity,
  tokenClaims,
  whoAmI,
} from '../../../src/client/lib/identity';
import { resolveWsUrl } from '../../../src/client/lib/runtime-config';
import { mintToken } from '../../../src/server/auth';
import { TEST_SECRET } from '../../helpers/services';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('identity', () => {
  it('remembers and forgets the sign-in', () => {
    const storage = memoryStorage();
    saveIdentity({ mode: 'open', userId: 'alice' }, storage);
    expect(loadIdentity(storage)).toEqual({ mode: 'open', userId: 'alice' });
    saveIdentity(null, storage);
    expect(loadIdentity(storage)).toBeNull();
    storage.setItem('opencode-slack.identity', '{not json');
    expect(loadIdentity(storage)).toBeNull();
  });

  it('reads user and role from a real token, and rejects junk', async () => {
    const token = await mintToken(TEST_SECRET, { user: 'root', role: 'admin' });
    expect(tokenClaims(token)).toEqual({ id: 'root', role: 'admin' });
    expect(tokenClaims('not-a-token')).toBeNull();
    expect(whoAmI({ mode: 'token', token })).toEqual({ id: 'root', role: 'admin' });
    expect(connectionParams({ mode: 'token', token })).toEqual({ token });
    expect(connectionParams({ mode: 'open', userId: 'bob' })).toEqual({ userId: 'bob' });
  });
});

describe('resolveWsUrl', () => {
  const page = { protocol: 'https:', hostname: 'chat.example.com', host: 'chat.example.com' };

  it('uses the page origin when the server shares its port or sits behind a proxy', () => {
    expect(resolveWsUrl({ authMode: 'open', ws: { sameOrigin: true, path: '/ws' } }, page)).toBe(
      'wss://chat.example.com/ws',
    );
  });

  it('uses the page host with the WebSocket port otherwise', () => {
    const local = { protocol: 'http:', hostname: '127.0.0.1', host: '127.0.0.1:8080' };
    expect(resolveWsUrl({ authMode: 'open', ws: { sameOrigin: false, port: 8765, path: '/' } }, local)).toBe(
      'ws://127.0.0.1:8765/',
    );
  });

  it('lets a build-time VITE_WS_URL win', () => {
    expect(
      resolveWsUrl({ authMode: 'token', ws: { sameOrigin: true, path: '/ws' } }, page, 'wss://x/ws'),
    ).toBe('wss://x/ws');
  });
});
