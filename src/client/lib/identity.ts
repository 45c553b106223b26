// Who this browser signs in as (a name in open mode, a pasted JWT in token mode), remembered in localStorage.

export type Identity = { mode: 'open'; userId: string } | { mode: 'token'; token: string };
export interface Me {
  id: string;
  role: 'user' | 'admin';
}

const KEY = 'opencode-slack.identity';

export function loadIdentity(storage: Pick<Storage, 'getItem'> = localStorage): Identity | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Identity>;
    if (value.mode === 'open' && typeof value.userId === 'string')
      return { mode: 'open', userId: value.userId };
    if (value.mode === 'token' && typeof value.token === 'string')
      return { mode: 'token', token: value.token };
  } catch {
    // A corrupt entry just means signing in again.
  }
  return null;
}

export function saveIdentity(
  identity: Identity | null,
  storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage,
) {
  if (identity) storage.setItem(KEY, JSON.stringify(identity));
  else storage.removeItem(KEY);
}

/**
 * Reads sub and role from a JWT for display only; the server verifies the signature on every connection.
 * Returns null for anything that is not a three-part token with a JSON payload naming a subject.
 */
export function tokenClaims(token: string): Me | null {
  const payload = token.trim().split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as { sub?: unknown; role?: unknown };
    if (typeof claims.sub !== 'string' || claims.sub === '') return null;
    return { id: claims.sub, role: claims.role === 'admin' ? 'admin' : 'user' };
  } catch {
    return null;
  }
}

/** In open mode everyone may do everything (the server treats every caller as an admin). */
export function whoAmI(identity: Identity): Me | null {
  return identity.mode === 'open' ? { id: identity.userId, role: 'admin' } : tokenClaims(identity.token);
}

export function connectionParams(identity: Identity): Record<string, string> {
  return identity.mode === 'open' ? { userId: identity.userId } : { token: identity.token };
}
