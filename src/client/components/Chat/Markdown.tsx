// A message's Markdown (CommonMark + GFM via react-markdown and remark-gfm) as React elements: no raw HTML (it
// shows as the text it is), links only to http(s)/mailto and opened in a new tab, anything else shown as typed;
// mentions and the leading /command marked; fenced code highlighted on demand. Loaded as its own chunk.
import type { Element, ElementContent } from 'hast';
import { type ComponentProps, useMemo } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { safeUrl } from '../../lib/markdown-text';
import { remarkChatTokens } from '../../lib/markdown-tokens';
import { CodeBlock } from './CodeBlock';

export interface MarkdownProps {
  text: string;
  mentions: readonly string[];
  me?: string;
  command?: string | null;
}

const LINK_CLASS = 'text-sky-700 underline dark:text-sky-300';

/** The source text a node came from: an unsafe link or image is shown exactly as it was typed. */
function source(text: string, node: Element | undefined): string {
  const start = node?.position?.start.offset;
  const end = node?.position?.end.offset;
  return start !== undefined && end !== undefined ? text.slice(start, end) : '';
}

function textOf(nodes: readonly ElementContent[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.value : 'children' in n ? textOf(n.children) : '')).join('');
}

function components(text: string): Components {
  return {
    a({ href, children, node }: ComponentProps<'a'> & ExtraProps) {
      const url = safeUrl(href);
      if (!url) return <span data-inert-link="true">{source(text, node) || children}</span>;
      return (
        <a href={url} target="_blank" rel="noopener noreferrer nofollow" className={LINK_CLASS}>
          {children}
        </a>
      );
    },
    // Images are not fetched (a URL in a message must not learn who read it): a link to the picture instead.
    img({ src, alt, node }: ComponentProps<'img'> & ExtraProps) {
      const url = safeUrl(typeof src === 'string' ? src : null);
      if (!url) return <span data-inert-link="true">{source(text, node)}</span>;
      return (
        <a href={url} target="_blank" rel="noopener noreferrer nofollow" className={LINK_CLASS}>
          🖼 {alt || url}
        </a>
      );
    },
    pre({ node }: ComponentProps<'pre'> & ExtraProps) {
      const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
      const classes = code?.properties.className;
      const language = (Array.isArray(classes) ? classes : [])
        .map(String)
        .find((c) => c.startsWith('language-'))
        ?.slice('language-'.length);
      return <CodeBlock code={textOf(code?.children ?? []).replace(/\n$/, '')} info={language ?? ''} />;
    },
    code({ children }: ComponentProps<'code'>) {
      return (
        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] text-rose-700 dark:bg-slate-800 dark:text-rose-300">
          {children}
        </code>
      );
    },
    // GFM task list items: a mark, not a form control.
    input({ checked }: ComponentProps<'input'>) {
      return <span aria-hidden="true">{checked ? '☑ ' : '☐ '}</span>;
    },
    blockquote({ children }: ComponentProps<'blockquote'>) {
      return (
        <blockquote className="my-1 border-l-4 border-slate-300 pl-3 text-slate-600 dark:border-slate-600 dark:text-slate-300">
          {children}
        </blockquote>
      );
    },
    ul: ({ children }: ComponentProps<'ul'>) => <ul className="my-1 list-disc pl-6">{children}</ul>,
    ol: ({ children, start }: ComponentProps<'ol'>) => (
      <ol start={start} className="my-1 list-decimal pl-6">
        {children}
      </ol>
    ),
    table: ({ children }: ComponentProps<'table'>) => (
      <div className="my-1 max-w-full overflow-x-auto">
        <table className="border-collapse text-sm [&_td]:border [&_td]:border-slate-300 [&_td]:px-2 [&_td]:py-0.5 [&_th]:border [&_th]:border-slate-300 [&_th]:bg-slate-100 [&_th]:px-2 [&_th]:py-0.5 dark:[&_td]:border-slate-600 dark:[&_th]:border-slate-600 dark:[&_th]:bg-slate-800">
          {children}
        </table>
      </div>
    ),
    // Headings in a chat line are emphasis, not page structure.
    h1: ({ children }) => <p className="font-bold">{children}</p>,
    h2: ({ children }) => <p className="font-bold">{children}</p>,
    h3: ({ children }) => <p className="font-semibold">{children}</p>,
    h4: ({ children }) => <p className="font-semibold">{children}</p>,
    h5: ({ children }) => <p className="font-semibold">{children}</p>,
    h6: ({ children }) => <p className="font-semibold">{children}</p>,
    p: ({ children }) => <p className="my-0.5 first:mt-0 last:mb-0">{children}</p>,
    hr: () => <hr className="my-2 border-slate-300 dark:border-slate-600" />,
  };
}

function Markdown({ text, mentions, me, command }: MarkdownProps) {
  const remarkPlugins = useMemo(
    () => [remarkGfm, [remarkChatTokens, { mentions, me, command }] as const],
    [mentions, me, command],
  );
  const parts = useMemo(() => components(text), [text]);
  return (
    <div data-markdown="true" className="break-words">
      <ReactMarkdown
        remarkPlugins={remarkPlugins as never}
        components={parts}
        urlTransform={(url) => safeUrl(url) ?? ''}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}

export default Markdown;
