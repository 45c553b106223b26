// The errors of the task workspaces: a sentence for people (`chat`) and git's own words for the log (`detail`).

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
