// The task card's git branch: its name and state, the files changed with +/- lines, and for the assigner and admins
// (whom the server lets) Review (the diff panel), Merge and Discard (not while the task runs); a conflict names its
// files and offers them to ask the agent to resolve it, which sends "@agent resolve …" as a reply to the task's message.
import { GitBranch, GitMerge, Trash2 } from 'lucide-react';
import { useRef, useState } from 'react';
import type { BranchEvent } from '../../../shared/task-branch';
import type { Task } from '../../lib/api-types';
import { useChatStore } from '../../stores/chatStore';
import { trpc } from '../../trpc';
import { useReviewStore } from './reviewStore';

const BUTTON =
  'flex items-center gap-1 rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-700';

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '');

/** The state in a few words, as the card shows it. */
export function branchStateText(b: BranchEvent): string {
  switch (b.state) {
    case 'open':
      return `ready to review, not merged into ${b.base}`;
    case 'empty':
      return 'no changes — nothing to merge';
    case 'merged':
      return `merged into ${b.base}${b.by ? ` by ${b.by}` : ''}${b.mergeCommit ? ` (${short(b.mergeCommit)})` : ''}`;
    case 'discarded':
      return `discarded${b.by ? ` by ${b.by}` : ''}`;
    case 'conflict':
      return `conflicts with ${b.base}`;
  }
}

/** What "ask the agent to resolve it" sends. */
export function resolveRequest(agent: string, b: Pick<BranchEvent, 'base' | 'conflicts'>): string {
  const files = b.conflicts.length > 0 ? ` in ${b.conflicts.join(', ')}` : '';
  return `@${agent} resolve the merge conflict with ${b.base}${files}`;
}

let asked = 0;

export function BranchSummary({
  task,
  branch,
  running,
}: {
  task: Task;
  branch: BranchEvent;
  running: boolean;
}) {
  const me = useChatStore((s) => s.me);
  const utils = trpc.useUtils();
  const settled = () => {
    void utils.tasks.diff.invalidate({ id: task.id });
    void utils.tasks.list.invalidate();
  };
  const merge = trpc.tasks.merge.useMutation({ onSettled: settled });
  const discard = trpc.tasks.discard.useMutation({ onSettled: settled });
  const [confirming, setConfirming] = useState(false);
  const [requested, setRequested] = useState<string | null>(null);
  const review = useRef<HTMLButtonElement>(null);
  const mayDecide = me !== null && (me.role === 'admin' || me.id === task.assignedBy);
  const undecided = branch.state === 'open' || branch.state === 'conflict';
  const busy = running || merge.isPending || discard.isPending;
  const conflict = branch.state === 'conflict' || merge.error?.data?.code === 'CONFLICT';

  const askToResolve = () => {
    const text = resolveRequest(task.employee, branch);
    asked += 1;
    // Into the outgoing queue like a typed message: shown at once, sent in order, retried if the connection drops.
    useChatStore.getState().addPending({
      tempId: `pending-${Date.now()}-resolve-${asked}-${Math.random().toString(36).slice(2, 10)}`,
      text,
      replyTo: task.messageId,
      sender: me?.id ?? '',
      createdAt: new Date().toISOString(),
    });
    setRequested(text);
  };

  return (
    <div
      data-testid="task-branch"
      data-state={branch.state}
      className="mt-1 rounded border border-slate-200 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
    >
      <p className="flex flex-wrap items-center gap-1">
        <GitBranch size={12} aria-hidden="true" className="text-slate-500" />
        <span className="font-mono" data-testid="task-branch-name">
          {branch.branch}
        </span>
        <span data-testid="task-branch-state" className="text-slate-500">
          — {branchStateText(branch)}
        </span>
      </p>
      {branch.files.length > 0 && (
        <ul data-testid="task-branch-files" className="mt-0.5 font-mono">
          {branch.files.map((f) => (
            <li key={f.path} className="flex gap-1">
              <span className="min-w-0 truncate">{f.path}</span>
              <span className="text-emerald-700 dark:text-emerald-400">+{f.additions}</span>
              <span className="text-red-700 dark:text-red-400">-{f.deletions}</span>
            </li>
          ))}
        </ul>
      )}
      {branch.state === 'conflict' && branch.conflicts.length > 0 && (
        <p data-testid="task-branch-conflicts" className="mt-0.5 text-amber-800 dark:text-amber-300">
          These files changed on {branch.base} too: {branch.conflicts.join(', ')}.
        </p>
      )}
      {undecided && mayDecide && (
        <div className="mt-1 flex flex-wrap items-center gap-1">
          {branch.files.length > 0 && (
            <button
              ref={review}
              type="button"
              data-testid="task-card-review"
              onClick={() => useReviewStore.getState().open(task.id, review.current)}
              className={BUTTON}
            >
              Review
            </button>
          )}
          {!confirming && (
            <>
              <button
                type="button"
                data-testid="task-card-merge"
                disabled={busy}
                title={running ? 'The task is still running' : undefined}
                onClick={() => merge.mutate({ id: task.id })}
                className={BUTTON}
              >
                <GitMerge size={12} aria-hidden="true" /> Merge
              </button>
              <button
                type="button"
                data-testid="task-card-discard"
                disabled={busy}
                title={running ? 'The task is still running' : undefined}
                onClick={() => setConfirming(true)}
                className={BUTTON}
              >
                <Trash2 size={12} aria-hidden="true" /> Discard…
              </button>
            </>
          )}
          {confirming && (
            <fieldset className="flex flex-wrap items-center gap-1">
              <legend className="float-left mr-1">
                Delete the branch and {task.employee}'s changes on it?
              </legend>
              <button
                type="button"
                data-testid="task-card-discard-confirm"
                disabled={busy}
                onClick={() => {
                  setConfirming(false);
                  discard.mutate({ id: task.id });
                }}
                className={`${BUTTON} text-red-700 dark:text-red-400`}
              >
                Discard
              </button>
              <button type="button" onClick={() => setConfirming(false)} className={BUTTON}>
                Keep it
              </button>
            </fieldset>
          )}
        </div>
      )}
      {merge.error && (
        <p role="alert" data-testid="task-branch-error" className="mt-0.5 text-red-700 dark:text-red-400">
          Could not merge: {merge.error.message}
        </p>
      )}
      {discard.error && (
        <p role="alert" data-testid="task-branch-error" className="mt-0.5 text-red-700 dark:text-red-400">
          Could not discard: {discard.error.message}
        </p>
      )}
      {conflict &&
        undecided &&
        mayDecide &&
        (requested ? (
          <p data-testid="task-branch-asked" className="mt-0.5 text-slate-500">
            Asked {task.employee}: “{requested}”
          </p>
        ) : (
          <button
            type="button"
            data-testid="task-branch-resolve"
            disabled={running}
            onClick={askToResolve}
            className={`${BUTTON} mt-1`}
          >
            Ask {task.employee} to resolve it
          </button>
        ))}
    </div>
  );
}
