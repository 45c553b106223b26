// Vite build and dev server for the web client (src/client -> dist/client). The dev server proxies the API and
// the WebSocket to the Node server started by `npm run dev`, so the page talks to one origin as in production.
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '8080'}`;
const samePort = (process.env.WEBSOCKET_PORT ?? '8765') === (process.env.PORT ?? '8080');
const ws = samePort
  ? `ws://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '8080'}`
  : `ws://${process.env.WEBSOCKET_HOST ?? process.env.HOST ?? '127.0.0.1'}:${process.env.WEBSOCKET_PORT ?? '8765'}`;
// Anchored patterns: a bare '/trpc' prefix would also swallow the module /trpc.ts.
const proxied = [
  '^/config\\.json$',
  '^/trpc/',
  '^/(health|status)$',
  '^/(communication|employees|tasks)(/|$)',
];

export default defineConfig({
  root: 'src/client',
  plugins: [react(), tailwindcss()],
  // One bundle is fine for a chat app (about 150 kB gzipped); the default 500 kB warning is noise here.
  build: { outDir: '../../dist/client', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      // xfwd marks requests as proxied, so /config.json tells the page to use same-origin /ws.
      ...Object.fromEntries(proxied.map((path) => [path, { target: api, xfwd: true }])),
      // Matched with its query string (?connectionParams=1), hence no `$` right after /ws.
      '^/ws(\\?|$)': {
        target: ws,
        ws: true,
        rewrite: (path) => (samePort ? path : path.replace(/^\/ws/, '/')),
      },
    },
  },
});
