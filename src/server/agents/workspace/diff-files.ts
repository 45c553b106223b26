// A branch's changes against its base as git reports them: +/- lines per file, and per-file unified patches.

import type { FileDiff } from '../../../shared/task-branch';
import type { ChangedFile } from '../../../shared/task-timeline';
import { git } from './git';

// Renames detected; no external diff tools or text conversion: what people review is what git stores.
const diffArgs = ['-M', '--no-ext-diff', '--no-textconv', '--no-color'];

interface Numstat {
  path: string;
  oldPath: string | null;
  additions: number;
  deletions: number;
  binary: boolean;
}

/** Parses `git diff --numstat -z` (renames: `a\td\t\0old\0new\0`; binary files count `-`). */
function parseNumstat(out: string): Numstat[] {
  const fields = out.split('\0');
  const files: Numstat[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (!field) continue;
    const [added = '', deleted = '', path = ''] = field.split('\t');
    const binary = added === '-' && deleted === '-';
    const counts = { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary };
    if (path) files.push({ path, oldPath: null, ...counts });
    else {
      const oldPath = fields[++i] ?? '';
      const newPath = fields[++i] ?? '';
      files.push({ path: newPath, oldPath, ...counts });
    }
  }
  return files;
}

/** Files changed in `range` (e.g. `main...agent/alice/42-x`) with +/- lines, as the timeline shows them. */
export async function changedFiles(cwd: string, range: string): Promise<ChangedFile[]> {
  const { stdout } = await git(cwd, ['diff', '--numstat', '-z', ...diffArgs, range, '--']);
  return parseNumstat(stdout).map(({ path, additions, deletions }) => ({ path, additions, deletions }));
}

interface NameStatus {
  status: FileDiff['status'];
  path: string;
  oldPath: string | null;
}

/** Parses `git diff --name-status -z` (A, M, D, T, R<score> old new, C<score> old new). */
function parseNameStatus(out: string): NameStatus[] {
  const fields = out.split('\0');
  const files: NameStatus[] = [];
  for (let i = 0; i < fields.length; i++) {
    const code = fields[i] as string;
    if (!code) continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[++i] ?? '';
      const path = fields[++i] ?? '';
      // A copy leaves its source in place: for the reviewer it is a new file.
      files.push(
        letter === 'R' ? { status: 'renamed', path, oldPath } : { status: 'added', path, oldPath: null },
      );
    } else {
      const path = fields[++i] ?? '';
      const status = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified';
      files.push({ status, path, oldPath: null });
    }
  }
  return files;
}

/** Splits a full `git diff` into each file's `@@` hunks, in git's file order (the order of the other formats). */
function splitPatch(patch: string): string[] {
  if (!patch) return [];
  const chunks = patch.split(/^diff --git /m).slice(1);
  return chunks.map((chunk) => {
    const hunks = chunk.search(/^@@ /m);
    return hunks < 0 ? '' : chunk.slice(hunks);
  });
}

/** The whole diff of `range`, per file: status, paths, +/- lines, binary flag and unified hunks (3 lines of context). */
export async function fileDiffs(cwd: string, range: string): Promise<FileDiff[]> {
  const [names, numstat, patch] = await Promise.all([
    git(cwd, ['diff', '--name-status', '-z', ...diffArgs, range, '--']),
    git(cwd, ['diff', '--numstat', '-z', ...diffArgs, range, '--']),
    git(cwd, [
      'diff',
      '--patch',
      '--unified=3',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ...diffArgs,
      range,
      '--',
    ]),
  ]);
  const statuses = parseNameStatus(names.stdout);
  const counts = parseNumstat(numstat.stdout);
  const patches = splitPatch(patch.stdout);
  if (statuses.length !== counts.length || statuses.length !== patches.length)
    throw new Error(
      `git diff ${range}: ${statuses.length} files by name, ${counts.length} by numstat, ${patches.length} patches`,
    );
  return statuses.map((file, i) => {
    const count = counts[i] as Numstat;
    return {
      path: file.path,
      oldPath: file.oldPath,
      status: file.status,
      additions: count.additions,
      deletions: count.deletions,
      binary: count.binary,
      patch: count.binary ? '' : (patches[i] as string),
    };
  });
}
