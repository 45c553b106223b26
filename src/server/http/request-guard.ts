// Checks every HTTP request and WebSocket upgrade passes before any route sees it: a Host name we serve (DNS
// rebinding), a URL that decodes, and for writes an allowed Origin and a JSON body (cross-site forms and no-cors
// fetches send text/plain, form or multipart bodies, which tRPC and the REST routes must never act on).
import type { IncomingMessage } from 'node:http';
import type { HostPolicy } from './hosts';
import { MISDIRECTED_BODY } from './hosts';
import { allowsWrite, type OriginPolicy } from './origins';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's path, decoded; null when it does not decode (`/%ZZ`) or is not a URL at all. */
export function decodedPath(req: IncomingMessage): string | null {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return null;
  }
}

export function hostRefusal(hosts: HostPolicy, req: IncomingMessage): Refusal | null {
  return hosts.allows(req) ? null : { status: 421, code: 'MISDIRECTED_REQUEST', message: MISDIRECTED_BODY };
}

export function urlRefusal(req: IncomingMessage): Refusal | null {
  return decodedPath(req) === null
    ? {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'the URL is malformed (a % not followed by two hex digits?)',
      }
    : null;
}

/** For HTTP requests that change something; upgrades have their own Origin check in websocket.ts. */
export function writeRefusal(origins: OriginPolicy, req: IncomingMessage): Refusal | null {
  if (READS.has(req.method ?? 'GET')) return null;
  if (!allowsWrite(origins, req))
    return {
      status: 403,
      code: 'FORBIDDEN',
      message:
        'Origin not allowed: this page may not change anything here (add it to CORS_ORIGINS if it should)',
    };
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (req.method === 'POST' && type !== 'application/json')
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as JSON with Content-Type: application/json',
    };
  return null;
}
