// Syntax highlighting for the diff panel and the chat's code blocks: highlight.js core and the languages needed,
// imported when a diff or a code block is shown (chunks of their own), so the chat's initial bundle carries none.
import type { HLJSApi, LanguageFn } from 'highlight.js';
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

let core: Promise<HLJSApi> | null = null;
const registered = new Map<string, Promise<void>>();
// One function per language, so a file's highlighter is the same object from render to render.
const byLanguage = new Map<string, Highlight>();

function loadCore(): Promise<HLJSApi> {
  core ??= Promise.all([import('highlight.js/lib/core'), import('./highlight.css')]).then(([m]) => m.default);
  // A failed load (network) is tried again the next time a diff is shown.
  core.catch(() => {
    core = null;
  });
  return core;
}

function loadLanguage(hljs: HLJSApi, name: string): Promise<void> {
  let done = registered.get(name);
  if (!done) {
    done = (LANGUAGES[name] as () => Promise<{ default: LanguageFn }>)().then((m) =>
      hljs.registerLanguage(name, m.default),
    );
    registered.set(name, done);
    done.catch(() => registered.delete(name));
  }
  return done;
}

/** Fence names people type after ``` that are not a file extension the table knows. */
const FENCE_ALIASES: Record<string, string> = {
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  py: 'python',
  html: 'xml',
};

/** The highlight.js language for a code fence's info word (`ts`, `typescript`, `sh`…); null: plain text. */
export function languageForFence(info: string): string | null {
  const word = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '') return null;
  if (word in LANGUAGES) return word;
  return FENCE_ALIASES[word] ?? languageFor(`code.${word}`);
}

/** Loads highlight.js and one language (see languageForFence); the function highlights a whole block of it. */
export async function loadLanguageHighlight(language: string): Promise<Highlight | null> {
  if (!(language in LANGUAGES)) return null;
  const hljs = await loadCore();
  await loadLanguage(hljs, language);
  return (text: string) => hljs.highlight(text, { language, ignoreIllegals: true }).value;
}

/** The languages the files at `paths` are highlighted in (sorted, each once). */
export function languagesFor(paths: readonly string[]): string[] {
  return [...new Set(paths.map(languageFor).filter((l): l is string => l !== null))].sort();
}

/** Loads highlight.js's core and the given languages (see languagesFor; each fetched once per page). */
export async function loadHighlighter(languages: readonly string[]): Promise<Highlighter> {
  const hljs = await loadCore();
  await Promise.all(languages.filter((name) => name in LANGUAGES).map((name) => loadLanguage(hljs, name)));
  return (path: string) => {
    const language = languageFor(path);
    if (!language || !hljs.getLanguage(language)) return null;
    let highlight = byLanguage.get(language);
    if (!highlight) {
      // Line by line: a comment or string spanning lines is coloured per line, which a diff reads fine with.
      highlight = (text: string) => hljs.highlight(text, { language, ignoreIllegals: true }).value;
      byLanguage.set(language, highlight);
    }
    return highlight;
  };
}

/**
 * The highlighter for the files at `paths` once loaded; null before, when none of them has a known language
 * (nothing is fetched then), or if it could not load (the diff then shows plain text).
 */
export function useHighlighter(paths: readonly string[] | undefined): Highlighter | null {
  const [highlighter, setHighlighter] = useState<{ key: string; fn: Highlighter } | null>(null);
  const key = languagesFor(paths ?? []).join(',');
  useEffect(() => {
    if (key === '') return;
    let live = true;
    loadHighlighter(key.split(','))
      .then((fn) => live && setHighlighter({ key, fn }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  return highlighter?.key === key ? highlighter.fn : null;
}
