// The diff panel's patch parsing: hunks into numbered lines, rows for side by side, checked on literal patches and
// against patches real git writes (applying the parsed hunks to the old file gives the new one).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DiffLine,
  type Hunk,
  parsePatch,
  renderedLineCount,
  splitRows,
} from '../../../../src/client/components/Tasks/diff-lines';

const PATCH = [
  '@@ -1,4 +1,5 @@ export function login() {',
  ' import a from "a";',
  '-const x = 1;',
  '+const x = 2;',
  '+const y = 3;',
  ' ',
  ' export {};',
  '@@ -10,2 +11,2 @@',
  ' keep',
  '-old end',
  '\\ No newline at end of file',
  '+new end',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('parsePatch', () => {
  it('numbers kept, added and removed lines from the hunk headers', () => {
    const [first, second] = parsePatch(PATCH);
    expect(first?.section).toBe('export function login() {');
    expect(first?.lines).toEqual<DiffLine[]>([
      { kind: 'context', oldNo: 1, newNo: 1, text: 'import a from "a";' },
      { kind: 'del', oldNo: 2, text: 'const x = 1;' },
      { kind: 'add', newNo: 2, text: 'const x = 2;' },
      { kind: 'add', newNo: 3, text: 'const y = 3;' },
      { kind: 'context', oldNo: 3, newNo: 4, text: '' },
      { kind: 'context', oldNo: 4, newNo: 5, text: 'export {};' },
    ]);
    expect(second?.lines).toEqual<DiffLine[]>([
      { kind: 'context', oldNo: 10, newNo: 11, text: 'keep' },
      { kind: 'del', oldNo: 11, text: 'old end' },
      { kind: 'add', newNo: 12, text: 'new end' },
    ]);
    expect(second?.oldNoNewline && second.newNoNewline).toBe(true);
    expect(first?.oldNoNewline || first?.newNoNewline).toBe(false);
  });

  it('reads a new file (-0,0) and a one-line side written without a count', () => {
    const [added] = parsePatch('@@ -0,0 +1,2 @@\n+one\n+two\n');
    expect(added?.lines).toEqual([
      { kind: 'add', newNo: 1, text: 'one' },
      { kind: 'add', newNo: 2, text: 'two' },
    ]);
    const [single] = parsePatch('@@ -3 +3 @@\n-a\n+b\n');
    expect(single).toMatchObject({ oldStart: 3, oldLines: 1, newStart: 3, newLines: 1 });
    expect(single?.lines).toHaveLength(2);
  });

  it('skips a ---/+++ header and text after the counted lines, and keeps lines that look like headers', () => {
    const hunks = parsePatch(
      '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n--- not a header\n+++ nor this\n same\ntrailing junk\n',
    );
    expect(hunks).toHaveLength(1);
    expect(hunks[0]?.lines).toEqual([
      { kind: 'del', oldNo: 1, text: '-- not a header' },
      { kind: 'add', newNo: 1, text: '++ nor this' },
      { kind: 'context', oldNo: 2, newNo: 2, text: 'same' },
    ]);
  });

  it('gives no hunks for an empty patch (a binary file) and keeps CRLF files readable', () => {
    expect(parsePatch('')).toEqual([]);
    expect(parsePatch('@@ -1 +1 @@\r\n-a\r\n+b\r\n')[0]?.lines.map((l) => l.text)).toEqual(['a', 'b']);
  });

  it('counts the rows the panel draws', () => {
    expect(renderedLineCount(parsePatch(PATCH))).toBe(6 + 1 + 3 + 1);
  });
});

describe('splitRows', () => {
  it('pairs a removed run with the added run after it, the longer run alone below', () => {
    const rows = splitRows(parsePatch(PATCH)[0]?.lines ?? []);
    expect(rows).toEqual([
      {
        left: { no: 1, text: 'import a from "a";', kind: 'context' },
        right: { no: 1, text: 'import a from "a";', kind: 'context' },
      },
      {
        left: { no: 2, text: 'const x = 1;', kind: 'del' },
        right: { no: 2, text: 'const x = 2;', kind: 'add' },
      },
      { left: null, right: { no: 3, text: 'const y = 3;', kind: 'add' } },
      { left: { no: 3, text: '', kind: 'context' }, right: { no: 4, text: '', kind: 'context' } },
      {
        left: { no: 4, text: 'export {};', kind: 'context' },
        right: { no: 5, text: 'export {};', kind: 'context' },
      },
    ]);
  });

  it('leaves the right side empty for removals with nothing added', () => {
    const rows = splitRows(parsePatch('@@ -1,3 +1,1 @@\n-a\n-b\n c\n')[0]?.lines ?? []);
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ['a', null],
      ['b', null],
      ['c', 'c'],
    ]);
  });
});

/** The new file made from the old one and the parsed hunks (the check that numbering and counts are right). */
function applyHunks(old: string[], hunks: Hunk[]): string[] {
  const out: string[] = [];
  let at = 1;
  for (const hunk of hunks) {
    const first = hunk.lines.find((l) => l.kind !== 'add');
    const start =
      first && 'oldNo' in first ? first.oldNo : hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    while (at < start) out.push(old[at++ - 1] as string);
    for (const line of hunk.lines) {
      if (line.kind === 'add') {
        expect(line.newNo).toBe(out.length + 1);
        out.push(line.text);
        continue;
      }
      expect(old[line.oldNo - 1]).toBe(line.text);
      at = line.oldNo + 1;
      if (line.kind === 'context') {
        expect(line.newNo).toBe(out.length + 1);
        out.push(line.text);
      }
    }
  }
  while (at <= old.length) out.push(old[at++ - 1] as string);
  return out;
}

describe('against real git', () => {
  const dir = mkdtempSync(join(tmpdir(), 'diff-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function gitPatch(before: string[], after: string[]): string {
    writeFileSync(join(dir, 'a'), before.map((l) => `${l}\n`).join(''));
    writeFileSync(join(dir, 'b'), after.map((l) => `${l}\n`).join(''));
    try {
      execFileSync('git', ['diff', '--no-index', '--no-color', '-U3', 'a', 'b'], {
        cwd: dir,
        encoding: 'utf8',
      });
      return '';
    } catch (error) {
      // git diff --no-index exits 1 when the files differ; its output is the patch.
      const out = (error as { stdout: string }).stdout;
      return out.slice(out.indexOf('@@'));
    }
  }

  it('rebuilds the new file from the old one and the parsed hunks', () => {
    const line = fc.constantFrom('a', 'b', 'c', '', ' x', '-y', '+z', '@@ w');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (before, after) => {
        const hunks = parsePatch(gitPatch(before, after));
        expect(applyHunks(before, hunks)).toEqual(after);
        for (const hunk of hunks) {
          const rows = splitRows(hunk.lines);
          expect(rows.filter((r) => r.left).length).toBe(hunk.oldLines);
          expect(rows.filter((r) => r.right).length).toBe(hunk.newLines);
        }
      }),
      { numRuns: 40 },
    );
  });
});
