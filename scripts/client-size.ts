// Measures the web client's initial JavaScript: the entry script of dist/client/index.html, the modules it
// preloads and everything they import statically, gzipped. Lazy chunks (import()) are not counted: they load on
// demand. `npm run build` prints it; tests/scripts/client-size.test.ts holds it to the budget.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 19: initial JavaScript at most 150 kB gzip, everything optional loaded on demand. */
export const INITIAL_JS_BUDGET = 150_000;

export interface InitialJs {
  files: { path: string; bytes: number; gzip: number }[];
  bytes: number;
  gzip: number;
}

const HTML_SCRIPT = /<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g;
const HTML_PRELOAD = /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g;
// Static imports and re-exports in minified output (`import{a as b}from"./x.js"`, `import"./y.js"`); never
// `import(` (a lazy chunk).
const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;

/** The initial JavaScript of a built client in `dir` (dist/client): files and their sizes, gzipped at level 6. */
export function measureInitialJs(dir: string): InitialJs {
  const indexHtml = join(dir, 'index.html');
  if (!existsSync(indexHtml)) throw new Error(`no built client at ${dir} (run npm run build)`);
  const html = readFileSync(indexHtml, 'utf8');
  const queue = [...html.matchAll(HTML_SCRIPT), ...html.matchAll(HTML_PRELOAD)]
    .map((m) => m[1] as string)
    .filter((src) => src.startsWith('/') || src.startsWith('./'))
    .map((src) => join(dir, src.replace(/^\.?\//, '')));
  const seen = new Set<string>();
  const files: InitialJs['files'] = [];
  while (queue.length > 0) {
    const file = normalize(queue.shift() as string);
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const code = readFileSync(file);
    files.push({ path: relative(dir, file), bytes: code.length, gzip: gzipSync(code).length });
    for (const m of code.toString('utf8').matchAll(STATIC_IMPORT)) {
      const target = m[1] as string;
      if (target.startsWith('.')) queue.push(join(dirname(file), target));
      else if (target.startsWith('/')) queue.push(join(dir, target.slice(1)));
    }
  }
  return {
    files,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** One line for the build's output, e.g. "initial JS: 131.2 kB gzip (2 files, 431.0 kB) — budget 150.0 kB". */
export function describeInitialJs(size: InitialJs): string {
  const verdict = size.gzip <= INITIAL_JS_BUDGET ? 'budget' : 'OVER the budget of';
  return `initial JS: ${kB(size.gzip)} gzip (${size.files.length} files, ${kB(size.bytes)}) — ${verdict} ${kB(INITIAL_JS_BUDGET)}`;
}
