// Serves the built client (dist/client) with an index.html fallback for client-side routes; a plain page
// explains how to build it when it is missing.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenCode-Slack</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>OpenCode-Slack server is running</h1>
<p>The web client has not been built into <code>dist/client</code>. The API is live:</p>
<ul>
<li><a href="/health">/health</a>, <a href="/status">/status</a>, <a href="/communication/info">/communication/info</a>,
<a href="/communication/stats">/communication/stats</a></li>
<li>tRPC over HTTP at <code>/trpc</code>, over WebSocket as printed by the server at start-up</li>
</ul>
</body></html>`;

export function serveStatic(clientDir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const root = resolve(clientDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    res
      .writeHead(200, { 'content-type': TYPES['.html'] as string })
      .end(req.method === 'HEAD' ? undefined : PLACEHOLDER);
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  const candidate = normalize(join(root, pathname));
  const inside = candidate === root || candidate.startsWith(root + sep);
  const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : index;
  const immutable = file !== index && pathname.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
