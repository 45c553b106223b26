// A file's unified patch (git's `@@` hunks) parsed into numbered lines, and those lines paired into rows for the
// side-by-side layout; pure, so the diff panel renders data and the parsing is tested without a browser.

/** One line of a hunk: kept (both sides), added (new side), removed (old side). */
export type DiffLine =
  | { kind: 'context'; oldNo: number; newNo: number; text: string }
  | { kind: 'add'; newNo: number; text: string }
  | { kind: 'del'; oldNo: number; text: string };

export interface Hunk {
  /** The `@@ -a,b +c,d @@` line as git wrote it. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** What git printed after the second `@@` (the enclosing function, when it found one). */
  section: string;
  lines: DiffLine[];
  /** "\ No newline at end of file" after the old side's last line / the new side's last line. */
  oldNoNewline: boolean;
  newNoNewline: boolean;
}

/** One row of the side-by-side layout: the old line on the left, the new line on the right (either may be absent). */
export interface SplitRow {
  left: { no: number; text: string; kind: 'context' | 'del' } | null;
  right: { no: number; text: string; kind: 'context' | 'add' } | null;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/**
 * Parses the hunks of a unified patch. Lines before the first `@@` (a `---`/`+++` header, if any) are skipped; a
 * hunk ends when both its sides have their counted lines, so a trailing newline or stray text after it is not taken
 * for content. A line that is neither ` `, `+`, `-` nor `\` inside a hunk is context whose leading space was lost.
 */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let hunk: Hunk | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  let last: DiffLine['kind'] | null = null;
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HUNK_HEADER.exec(line);
    if (header) {
      hunk = {
        header: line,
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        section: (header[5] ?? '').trim(),
        lines: [],
        oldNoNewline: false,
        newNoNewline: false,
      };
      hunks.push(hunk);
      oldLeft = hunk.oldLines;
      newLeft = hunk.newLines;
      // A side with no lines is written as start 0 (`-0,0`): its first line would be line 1.
      oldNo = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
      newNo = hunk.newLines === 0 ? hunk.newStart + 1 : hunk.newStart;
      last = null;
      continue;
    }
    if (!hunk) continue;
    if (line.startsWith('\\')) {
      // Marks the line just before it: the old side's, the new side's, or both for a kept line.
      if (last === 'del' || last === 'context') hunk.oldNoNewline = true;
      if (last === 'add' || last === 'context') hunk.newNoNewline = true;
      continue;
    }
    if (oldLeft <= 0 && newLeft <= 0) continue;
    const mark = line[0];
    if (mark === '+') {
      // More lines than the header counted: a malformed patch; the extra ones are not numbered into the file.
      if (newLeft <= 0) continue;
      hunk.lines.push({ kind: 'add', newNo: newNo++, text: line.slice(1) });
      newLeft--;
      last = 'add';
    } else if (mark === '-') {
      if (oldLeft <= 0) continue;
      hunk.lines.push({ kind: 'del', oldNo: oldNo++, text: line.slice(1) });
      oldLeft--;
      last = 'del';
    } else {
      const text = mark === ' ' ? line.slice(1) : line;
      hunk.lines.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text });
      oldLeft--;
      newLeft--;
      last = 'context';
    }
  }
  return hunks;
}

/**
 * Pairs a hunk's lines for side by side: kept lines on both sides; a run of removed lines and the run of added
 * lines right after it share rows (the first removed beside the first added…), the longer run's rest alone.
 */
export function splitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as DiffLine;
    if (line.kind === 'context') {
      rows.push({
        left: { no: line.oldNo, text: line.text, kind: 'context' },
        right: { no: line.newNo, text: line.text, kind: 'context' },
      });
      i++;
      continue;
    }
    const dels: Extract<DiffLine, { kind: 'del' }>[] = [];
    const adds: Extract<DiffLine, { kind: 'add' }>[] = [];
    while (i < lines.length && (lines[i] as DiffLine).kind === 'del')
      dels.push(lines[i++] as (typeof dels)[number]);
    while (i < lines.length && (lines[i] as DiffLine).kind === 'add')
      adds.push(lines[i++] as (typeof adds)[number]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
      const del = dels[k];
      const add = adds[k];
      rows.push({
        left: del ? { no: del.oldNo, text: del.text, kind: 'del' } : null,
        right: add ? { no: add.newNo, text: add.text, kind: 'add' } : null,
      });
    }
  }
  return rows;
}

/** How many lines the panel draws for a file (every hunk's lines plus one header row each). */
export function renderedLineCount(hunks: readonly Hunk[]): number {
  return hunks.reduce((n, h) => n + h.lines.length + 1, 0);
}
