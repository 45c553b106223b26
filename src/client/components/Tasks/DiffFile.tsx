// One file of a task's diff in the review panel: its header (path, status, +/-), then its hunks unified or side by
// side, highlighted once highlight.js has loaded; binary files said so, long ones collapsed until asked for.
import { ChevronDown, ChevronRight } from 'lucide-react';
import { memo, useMemo, useState } from 'react';
import type { FileDiff } from '../../../shared/task-branch';
import type { DiffLayout } from './diff-layout';
import { type DiffLine, type Hunk, parsePatch, renderedLineCount, splitRows } from './diff-lines';
import type { Highlight } from './highlight';

/** Files drawing more rows than this start collapsed. */
export const LONG_FILE_LINES = 400;

const STATUS_LABEL: Record<FileDiff['status'], string> = {
  added: 'added',
  modified: 'modified',
  deleted: 'deleted',
  renamed: 'renamed',
};

const ROW_BG = {
  context: '',
  add: 'bg-emerald-50 dark:bg-emerald-950/50',
  del: 'bg-red-50 dark:bg-red-950/50',
} as const;
const SIGN = { context: ' ', add: '+', del: '-' } as const;
const NUM = 'w-10 select-none px-1 text-right align-top text-slate-400 tabular-nums';

function Code({ text, highlight }: { text: string; highlight: Highlight | null }) {
  if (!highlight) return <>{text}</>;
  // highlight.js escapes the file's text and adds only its own <span class="hljs-…">: no markup from the file.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js output (escaped text in hljs spans).
  return <span dangerouslySetInnerHTML={{ __html: highlight(text) }} />;
}

function HunkHeader({ hunk, span }: { hunk: Hunk; span: number }) {
  return (
    <tr className="bg-sky-50 text-slate-500 dark:bg-sky-950/40" data-testid="diff-hunk">
      <td colSpan={span} className="px-2 py-0.5">
        {hunk.header}
      </td>
    </tr>
  );
}

function UnifiedRows({ hunk, highlight }: { hunk: Hunk; highlight: Highlight | null }) {
  const no = (l: DiffLine) => [l.kind === 'add' ? null : l.oldNo, l.kind === 'del' ? null : l.newNo];
  return (
    <>
      <HunkHeader hunk={hunk} span={4} />
      {hunk.lines.map((line) => {
        const [oldNo, newNo] = no(line);
        return (
          <tr
            key={`${oldNo}:${newNo}`}
            data-testid="diff-line"
            data-kind={line.kind}
            className={ROW_BG[line.kind]}
          >
            <td className={NUM}>{oldNo}</td>
            <td className={NUM}>{newNo}</td>
            <td className="w-4 select-none text-center align-top text-slate-500">{SIGN[line.kind]}</td>
            <td className="whitespace-pre-wrap pr-2 pl-1 [overflow-wrap:anywhere]" data-testid="diff-code">
              <Code text={line.text} highlight={highlight} />
            </td>
          </tr>
        );
      })}
    </>
  );
}

function SplitRows({ hunk, highlight }: { hunk: Hunk; highlight: Highlight | null }) {
  const rows = useMemo(() => splitRows(hunk.lines), [hunk.lines]);
  return (
    <>
      <HunkHeader hunk={hunk} span={4} />
      {rows.map((row) => (
        <tr key={`${row.left?.no}:${row.right?.no}`} data-testid="diff-row">
          <td className={`${NUM} ${row.left ? ROW_BG[row.left.kind] : ''}`}>{row.left?.no}</td>
          <td
            data-testid="diff-left"
            data-kind={row.left?.kind ?? 'empty'}
            className={`w-1/2 whitespace-pre-wrap pl-1 [overflow-wrap:anywhere] border-r border-slate-200 pr-2 dark:border-slate-700 ${
              row.left ? ROW_BG[row.left.kind] : 'bg-slate-100 dark:bg-slate-800'
            }`}
          >
            {row.left && <Code text={row.left.text} highlight={highlight} />}
          </td>
          <td className={`${NUM} ${row.right ? ROW_BG[row.right.kind] : ''}`}>{row.right?.no}</td>
          <td
            data-testid="diff-right"
            data-kind={row.right?.kind ?? 'empty'}
            className={`w-1/2 whitespace-pre-wrap pr-2 pl-1 [overflow-wrap:anywhere] ${
              row.right ? ROW_BG[row.right.kind] : 'bg-slate-100 dark:bg-slate-800'
            }`}
          >
            {row.right && <Code text={row.right.text} highlight={highlight} />}
          </td>
        </tr>
      ))}
    </>
  );
}

interface Props {
  file: FileDiff;
  anchor: string;
  layout: DiffLayout;
  highlight: Highlight | null;
}

export const DiffFile = memo(function DiffFile({ file, anchor, layout, highlight }: Props) {
  const hunks = useMemo(() => parsePatch(file.patch), [file.patch]);
  const rows = renderedLineCount(hunks);
  const [open, setOpen] = useState(rows <= LONG_FILE_LINES);
  const bodyId = `${anchor}-body`;
  return (
    <section
      data-testid="diff-file"
      data-path={file.path}
      aria-labelledby={anchor}
      className="rounded border border-slate-200 dark:border-slate-700"
    >
      <h3 className="sticky top-0 z-10 bg-slate-100 text-sm dark:bg-slate-800">
        <button
          type="button"
          id={anchor}
          aria-expanded={open}
          aria-controls={bodyId}
          data-testid="diff-file-toggle"
          onClick={() => setOpen(!open)}
          className="flex w-full items-center gap-2 px-2 py-1 text-left font-mono hover:bg-slate-200 dark:hover:bg-slate-700"
        >
          {open ? (
            <ChevronDown size={14} aria-hidden="true" />
          ) : (
            <ChevronRight size={14} aria-hidden="true" />
          )}
          <span className="min-w-0 flex-1 truncate">
            {file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ${file.path}` : file.path}
          </span>
          <span className="font-sans text-xs text-slate-500">{STATUS_LABEL[file.status]}</span>
          <span className="text-xs text-emerald-700 dark:text-emerald-400">+{file.additions}</span>
          <span className="text-xs text-red-700 dark:text-red-400">-{file.deletions}</span>
        </button>
      </h3>
      <div id={bodyId} hidden={!open}>
        {file.binary ? (
          <p data-testid="diff-binary" className="px-3 py-2 text-sm text-slate-500">
            Binary file — its contents are not shown.
          </p>
        ) : hunks.length === 0 ? (
          <p className="px-3 py-2 text-sm text-slate-500">
            No line changes (an empty file or only its mode changed).
          </p>
        ) : (
          open && (
            <table className="w-full table-fixed border-collapse font-mono text-xs leading-5">
              <colgroup>
                {layout === 'unified' ? (
                  <>
                    <col className="w-10" />
                    <col className="w-10" />
                    <col className="w-4" />
                    <col />
                  </>
                ) : (
                  <>
                    <col className="w-10" />
                    <col />
                    <col className="w-10" />
                    <col />
                  </>
                )}
              </colgroup>
              <tbody>
                {hunks.map((hunk) =>
                  layout === 'unified' ? (
                    <UnifiedRows key={hunk.header} hunk={hunk} highlight={highlight} />
                  ) : (
                    <SplitRows key={hunk.header} hunk={hunk} highlight={highlight} />
                  ),
                )}
              </tbody>
            </table>
          )
        )}
      </div>
      {!open && !file.binary && hunks.length > 0 && (
        <p className="px-3 py-1 text-xs text-slate-500" data-testid="diff-collapsed">
          {rows} lines hidden —{' '}
          <button type="button" className="underline" onClick={() => setOpen(true)}>
            show them
          </button>
        </p>
      )}
    </section>
  );
});
