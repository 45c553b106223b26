// Decisions about a message's Markdown that need no Markdown library: whether the text uses any Markdown at all
// (plain text skips the renderer and its chunk) and which link targets are safe to follow.

// Any character that can start Markdown syntax: emphasis, code, links, escapes, entities, autolinks, tables, and
// at a line start quotes, headings, lists, rules and fences. Bare URLs are linked in plain text too.
const SYNTAX =
  /[*_~`[\]\\|]|&[#A-Za-z0-9]+;|<(https?:|mailto:|[^\s@<>]+@)|(^|\n)\s{0,3}(>|#{1,6}\s|[-+*]\s|\d{1,9}[.)]\s|={3,}|-{3,})|\bwww\./;

/** True when the text may render differently as Markdown; false: it is shown as plain text (mentions, links). */
export function looksLikeMarkdown(text: string): boolean {
  return SYNTAX.test(text);
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL when it is an absolute http(s) or mailto URL; null for anything else (javascript:, data:, relative). */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}
