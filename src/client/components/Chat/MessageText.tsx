// Message text as React elements: plain text (mentions, the /command and http(s) links marked) at once, and
// Markdown through the renderer in its own chunk, loaded the first time a message uses Markdown; until it has
// loaded, that message shows as plain text.
import { lazy, Suspense, useMemo } from 'react';
import { looksLikeMarkdown } from '../../lib/markdown-text';
import { segmentText } from '../../lib/segments';
import { COMMAND_CLASS, MENTION_CLASS, MENTION_ME_CLASS } from '../../lib/token-classes';

const Markdown = lazy(() => import('./Markdown'));

interface Props {
  text: string;
  mentions: readonly string[];
  me?: string;
  /** The command the server parsed from the text (message.command), marked where the text starts with it. */
  command?: string | null;
  /** The message was deleted (its text is gone): a note says so instead. */
  deleted?: boolean;
}

export function PlainText({ text, mentions, me, command }: Props) {
  const segments = useMemo(() => segmentText(text, mentions, command), [text, mentions, command]);
  return (
    <span className="whitespace-pre-wrap break-words">
      {segments.map((segment, i) => {
        const key = `${i}-${segment.kind}`;
        if (segment.kind === 'mention')
          return (
            <span
              key={key}
              data-mention={segment.name}
              className={segment.name === me?.toLowerCase() ? MENTION_ME_CLASS : MENTION_CLASS}
            >
              {segment.text}
            </span>
          );
        if (segment.kind === 'command')
          return (
            <span key={key} data-command={segment.name} className={COMMAND_CLASS}>
              {segment.text}
            </span>
          );
        if (segment.kind === 'link')
          return (
            <a
              key={key}
              href={segment.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
              className="text-sky-700 underline dark:text-sky-300"
            >
              {segment.text}
            </a>
          );
        return <span key={key}>{segment.text}</span>;
      })}
    </span>
  );
}

export function MessageText(props: Props) {
  if (props.deleted)
    return (
      <span data-testid="message-deleted" className="italic text-slate-500 dark:text-slate-400">
        message deleted
      </span>
    );
  if (!looksLikeMarkdown(props.text)) return <PlainText {...props} />;
  return (
    <Suspense fallback={<PlainText {...props} />}>
      <Markdown {...props} />
    </Suspense>
  );
}
