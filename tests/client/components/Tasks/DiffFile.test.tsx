// @vitest-environment happy-dom
// The review panel's file view: added and removed lines in both layouts, binary files said so, long files collapsed
// until asked for, highlighting that never lets the file's own text become markup; and the card's branch wording.
import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { branchStateText, resolveRequest } from '../../../../src/client/components/Tasks/BranchSummary';
import { DiffFile, LONG_FILE_LINES } from '../../../../src/client/components/Tasks/DiffFile';
import { loadDiffLayout } from '../../../../src/client/components/Tasks/diff-layout';
import {
  languageFor,
  languagesFor,
  loadHighlighter,
} from '../../../../src/client/components/Tasks/highlight';
import type { BranchEvent, FileDiff } from '../../../../src/shared/task-branch';

afterEach(cleanup);

const file = (patch: string, more: Partial<FileDiff> = {}): FileDiff => ({
  path: 'src/login.ts',
  oldPath: null,
  status: 'modified',
  additions: 2,
  deletions: 1,
  binary: false,
  patch,
  ...more,
});

const PATCH = '@@ -1,3 +1,4 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n+const c = 4;\n export {};\n';

describe('DiffFile', () => {
  it('shows each line once in unified layout, marked kept, added or removed', () => {
    const { getAllByTestId } = render(
      <DiffFile file={file(PATCH)} anchor="f0" layout="unified" highlight={null} />,
    );
    const lines = getAllByTestId('diff-line').map((row) => [
      row.getAttribute('data-kind'),
      row.querySelector('[data-testid="diff-code"]')?.textContent,
    ]);
    expect(lines).toEqual([
      ['context', 'const a = 1;'],
      ['del', 'const b = 2;'],
      ['add', 'const b = 3;'],
      ['add', 'const c = 4;'],
      ['context', 'export {};'],
    ]);
  });

  it('puts the removed line beside the added one side by side', () => {
    const { getAllByTestId } = render(
      <DiffFile file={file(PATCH)} anchor="f0" layout="split" highlight={null} />,
    );
    const rows = getAllByTestId('diff-row').map((row) => {
      const left = row.querySelector('[data-testid="diff-left"]');
      const right = row.querySelector('[data-testid="diff-right"]');
      return [
        left?.getAttribute('data-kind'),
        left?.textContent,
        right?.getAttribute('data-kind'),
        right?.textContent,
      ];
    });
    expect(rows).toEqual([
      ['context', 'const a = 1;', 'context', 'const a = 1;'],
      ['del', 'const b = 2;', 'add', 'const b = 3;'],
      ['empty', '', 'add', 'const c = 4;'],
      ['context', 'export {};', 'context', 'export {};'],
    ]);
  });

  it('says a binary file is binary instead of showing it', () => {
    const { getByTestId, queryAllByTestId } = render(
      <DiffFile
        file={file('', { binary: true, path: 'logo.png' })}
        anchor="f0"
        layout="unified"
        highlight={null}
      />,
    );
    expect(getByTestId('diff-binary').textContent).toContain('Binary file');
    expect(queryAllByTestId('diff-line')).toHaveLength(0);
  });

  it('collapses a long file until it is opened, from the header too', () => {
    const n = LONG_FILE_LINES + 10;
    const patch = `@@ -0,0 +1,${n} @@\n${Array.from({ length: n }, (_, i) => `+line ${i}`).join('\n')}\n`;
    const { getByTestId, queryAllByTestId } = render(
      <DiffFile
        file={file(patch, { status: 'added', additions: n })}
        anchor="f0"
        layout="unified"
        highlight={null}
      />,
    );
    const toggle = getByTestId('diff-file-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(getByTestId('diff-collapsed').textContent).toContain(`${n + 1} lines hidden`);
    expect(queryAllByTestId('diff-line')).toHaveLength(0);
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(queryAllByTestId('diff-line')).toHaveLength(n);
    fireEvent.click(toggle);
    expect(queryAllByTestId('diff-line')).toHaveLength(0);
  });

  it('highlights with highlight.js and keeps markup in the file as text', async () => {
    const highlighter = await loadHighlighter(languagesFor(['src/view.tsx', 'notes.unknownext']));
    const highlight = highlighter('src/view.tsx');
    expect(highlight).not.toBeNull();
    expect(highlighter('notes.unknownext')).toBeNull();
    // Only the languages asked for are loaded.
    expect(highlighter('main.py')).toBeNull();
    const patch = '@@ -0,0 +1,2 @@\n+const x = "<img src=x onerror=alert(1)>";\n+// done\n';
    const { container, getAllByTestId } = render(
      <DiffFile
        file={file(patch, { path: 'src/view.tsx' })}
        anchor="f0"
        layout="unified"
        highlight={highlight}
      />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.hljs-keyword')?.textContent).toBe('const');
    expect(container.querySelector('.hljs-comment')?.textContent).toBe('// done');
    expect(getAllByTestId('diff-code')[0]?.textContent).toBe('const x = "<img src=x onerror=alert(1)>";');
  });
});

describe('highlight and layout choices', () => {
  it('needs each language once, and none for files it cannot highlight', () => {
    expect(languagesFor(['a.ts', 'b.tsx', 'c.py', 'notes.txt'])).toEqual(['python', 'typescript']);
    expect(languagesFor(['notes.txt', 'logo.png'])).toEqual([]);
  });

  it('picks the language by extension', () => {
    expect(languageFor('a/b/Login.TSX')).toBe('typescript');
    expect(languageFor('scripts/run.sh')).toBe('bash');
    expect(languageFor('Makefile')).toBeNull();
    expect(languageFor('.env')).toBeNull();
  });

  it('remembers side by side, and falls back to unified on anything else or a refusing storage', () => {
    expect(loadDiffLayout({ getItem: () => 'split' })).toBe('split');
    expect(loadDiffLayout({ getItem: () => null })).toBe('unified');
    expect(
      loadDiffLayout({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBe('unified');
  });
});

describe('branch wording on the card', () => {
  const branch: BranchEvent = {
    kind: 'branch',
    state: 'open',
    branch: 'agent/ada/7-login',
    base: 'main',
    commit: 'abcdef0123456',
    files: [],
    by: null,
    mergeCommit: null,
    conflicts: [],
  };

  it('says where the branch stands', () => {
    expect(branchStateText(branch)).toBe('ready to review, not merged into main');
    expect(branchStateText({ ...branch, state: 'merged', by: 'alice', mergeCommit: '1234567890' })).toBe(
      'merged into main by alice (1234567)',
    );
    expect(branchStateText({ ...branch, state: 'discarded', by: 'bob' })).toBe('discarded by bob');
    expect(branchStateText({ ...branch, state: 'conflict' })).toBe('conflicts with main');
  });

  it('asks the agent to resolve the conflict, naming the files', () => {
    expect(resolveRequest('ada', { base: 'main', conflicts: ['a.ts', 'b.ts'] })).toBe(
      '@ada resolve the merge conflict with main in a.ts, b.ts',
    );
  });
});
