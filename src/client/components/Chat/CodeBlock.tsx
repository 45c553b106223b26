// A fenced code block in a message: shown as plain monospace text at once, then coloured when highlight.js and
// the fence's language have loaded (on demand, shared with the diff panel); unknown languages stay plain.
import { useEffect, useState } from 'react';
import { languageForFence, loadLanguageHighlight } from '../Tasks/highlight';

export function CodeBlock({ code, info }: { code: string; info: string }) {
  const language = languageForFence(info);
  const [html, setHtml] = useState<{ code: string; html: string } | null>(null);
  useEffect(() => {
    if (!language) return;
    let live = true;
    loadLanguageHighlight(language)
      .then((highlight) => {
        if (live && highlight) setHtml({ code, html: highlight(code) });
      })
      // Offline or a failed chunk: the block stays plain text, which is still correct.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [language, code]);
  const highlighted = html?.code === code ? html.html : null;
  return (
    <pre
      data-testid="code-block"
      data-language={language ?? undefined}
      data-highlighted={highlighted !== null ? 'true' : undefined}
      className="my-1 max-w-full overflow-x-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-[13px] leading-snug dark:border-slate-700 dark:bg-slate-900"
    >
      {highlighted !== null ? (
        // highlight.js escapes the code and adds only its own <span class="hljs-…"> elements.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js output, escaped text plus its spans.
        <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: highlighted }} />
      ) : (
        <code>{code}</code>
      )}
    </pre>
  );
}
