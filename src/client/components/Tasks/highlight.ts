// Syntax highlighting for the diff panel: highlight.js core and a few languages, imported only when a diff is
// first shown (its own chunk), so the chat's initial bundle does not carry them.
import type { LanguageFn } from 'highlight.js';
import { useEffect, useState } from 'react';

/** Highlights one line of a file; returns HTML (highlight.js escapes the text, it adds only its own spans). */
export type Highlight = (text: string) => string;
export type Highlighter = (path: string) => Highlight | null;

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  css: 'css',
  html: 'xml',
  xml: 'xml',
  svg: 'xml',
  md: 'markdown',
  py: 'python',
  sh: 'bash',
  bash: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  go: 'go',
  rs: 'rust',
  sql: 'sql',
};

/** The highlight.js language for a path by its extension; null: shown as plain text. */
export function languageFor(path: string): string | null {
  const name = path.split('/').pop() ?? path;
  if (name === 'Dockerfile' || name.endsWith('.sh')) return 'bash';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null) : null;
}

// Each a separate import() so Vite puts highlight.js in chunks loaded with the first diff, not in the main bundle.
const LANGUAGES: Record<string, () => Promise<{ default: LanguageFn }>> = {
  typescript: () => import('highlight.js/lib/languages/typescript'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  css: () => import('highlight.js/lib/languages/css'),
  xml: () => import('highlight.js/lib/languages/xml'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  python: () => import('highlight.js/lib/languages/python'),
  bash: () => import('highlight.js/lib/languages/bash'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
  go: () => import('highlight.js/lib/languages/go'),
  rust: () => import('highlight.js/lib/languages/rust'),
  sql: () => import('highlight.js/lib/languages/sql'),
};

let loading: Promise<Highlighter> | null = null;

/** Loads highlight.js once (later calls share the first load; a failed load is tried again next time). */
export function loadHighlighter(): Promise<Highlighter> {
  loading ??= (async () => {
    const [{ default: hljs }] = await Promise.all([
      import('highlight.js/lib/core'),
      import('./highlight.css'),
    ]);
    await Promise.all(
      Object.entries(LANGUAGES).map(async ([name, load]) =>
        hljs.registerLanguage(name, (await load()).default),
      ),
    );
    // One function per language, so a file's highlighter is the same object from render to render.
    const byLanguage = new Map<string, Highlight>();
    return (path: string) => {
      const language = languageFor(path);
      if (!language) return null;
      let highlight = byLanguage.get(language);
      if (!highlight) {
        // Line by line: a comment or string spanning lines is coloured per line, which a diff reads fine with.
        highlight = (text: string) => hljs.highlight(text, { language, ignoreIllegals: true }).value;
        byLanguage.set(language, highlight);
      }
      return highlight;
    };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** The highlighter once loaded (null before, or if it could not load: the diff then shows plain text). */
export function useHighlighter(enabled: boolean): Highlighter | null {
  const [highlighter, setHighlighter] = useState<{ fn: Highlighter } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    loadHighlighter()
      .then((fn) => live && setHighlighter({ fn }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [enabled]);
  return highlighter?.fn ?? null;
}
