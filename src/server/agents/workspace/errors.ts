// The errors of the task workspaces: a sentence for people (`chat`) and git's own words for the log (`detail`).
import type { GitError } from './git';

/**
 * A refusal or failure: `chat` is the sentence to show people; `detail` (git's own words, which may name server
 * paths) and `message` (both) are for the log.
 */
export class WorkspaceError extends Error {
  constructor(
    readonly chat: string,
    readonly detail?: string,
  ) {
    super(detail ? `${chat} (${detail})` : chat);
    this.name = 'WorkspaceError';
  }
}

/** A merge (or a commit finishing a conflict resolution) refused because of conflicts; nothing was changed. */
export class MergeConflictError extends WorkspaceError {
  constructor(
    readonly files: string[],
    chat = `The branch conflicts with its base in ${files.join(', ')}; nothing was merged.`,
  ) {
    super(chat);
    this.name = 'MergeConflictError';
  }
}

/** What git said when it failed. */
export function gitWords(err: GitError): string {
  return err.stderr.trim() || err.stdout.trim() || err.message;
}

/** A few paths for a sentence: the first five and how many more. */
export function listed(paths: string[]): string {
  return paths.length <= 5
    ? paths.join(', ')
    : `${paths.slice(0, 5).join(', ')} and ${paths.length - 5} more`;
}
