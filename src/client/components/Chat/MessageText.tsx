// Message text as React elements: mentions highlighted, http(s) links clickable, everything else plain text.
import { useMemo } from 'react';
import { segmentText } from '../../lib/segments';

export function MessageText({
  text,
  mentions,
  me,
}: {
  text: string;
  mentions: readonly string[];
  me?: string;
}) {
  const segments = useMemo(() => segmentText(text, mentions), [text, mentions]);
  return (
    <span className="whitespace-pre-wrap break-words">
      {segments.map((segment, i) => {
        const key = `${i}-${segment.kind}`;
        if (segment.kind === 'mention')
          return (
            <span
              key={key}
              data-mention={segment.name}
              className={`rounded px-0.5 font-medium ${
                segment.name === me?.toLowerCase()
                  ? 'bg-amber-200 text-amber-900 dark:bg-amber-500/30 dark:text-amber-100'
                  : 'bg-sky-100 text-sky-800 dark:bg-sky-500/20 dark:text-sky-200'
              }`}
            >
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
