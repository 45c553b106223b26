// Who is calling: HS256 JWTs (jose) in token mode; a self-chosen user id in open (loopback-only) mode.
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export type Role = 'user' | 'admin';
export interface User {
  id: string;
  role: Role;
}

export const userIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'user id must be 1-32 letters, digits, ".", "_" or "-"');

const claimsSchema = z.object({ sub: userIdSchema, role: z.enum(['user', 'admin']) });

export type AuthResult = { user: User; error: null } | { user: null; error: string };

/** One imported HMAC key per secret: importing it for every verification costs CPU and garbage per connection. */
const keys = new Map<string, Promise<CryptoKey>>();
function key(secret: string): Promise<CryptoKey> {
  let cached = keys.get(secret);
  if (!cached) {
    const raw = new TextEncoder().encode(secret);
    cached = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keys.set(secret, cached);
  }
  return cached;
}

export async function mintToken(
  secret: string,
  claims: { user: string; role: Role },
  expiresIn: string | number = '30d',
): Promise<string> {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.user)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(await key(secret));
}

export async function verifyToken(secret: string, token: string): Promise<AuthResult> {
  try {
    // A token without `exp` would be valid for ever, beyond any rotation: refused (npm run token always sets one).
    const { payload } = await jwtVerify(token, await key(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success)
      return { user: null, error: 'token claims are invalid: it needs sub (user id) and role' };
    return { user: { id: claims.data.sub, role: claims.data.role }, error: null };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { user: null, error: 'token expired: ask an admin for a new one' };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp')
      return {
        user: null,
        error: 'token has no expiry (exp): ask an admin for a new one (npm run token sets it)',
      };
    return { user: null, error: 'token is invalid (bad signature or format)' };
  }
}

/**
 * Resolves the caller from what the connection offered. Never throws: a failure is returned as `error` and
 * rejected by the procedure middleware (a throw in createContext makes clients reconnect in a loop).
 */
export async function authenticate(
  secret: string | undefined,
  offered: { token?: unknown; userId?: unknown },
): Promise<AuthResult> {
  if (secret) {
    if (typeof offered.token !== 'string' || offered.token === '')
      return { user: null, error: 'sign in: send a token (connectionParams.token or Authorization: Bearer)' };
    return verifyToken(secret, offered.token);
  }
  // Open mode (loopback only): everyone may do everything.
  if (offered.userId === undefined || offered.userId === null || offered.userId === '')
    return { user: { id: 'anonymous', role: 'admin' }, error: null };
  const id = userIdSchema.safeParse(offered.userId);
  if (!id.success) return { user: null, error: id.error.issues[0]?.message ?? 'invalid user id' };
  return { user: { id: id.data, role: 'admin' }, error: null };
}
