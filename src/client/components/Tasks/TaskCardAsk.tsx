// An open question or permission request of a working agent, on its task card: the question's options, or
// Allow · Always · Deny (with a reason box), answered through tasks.answer. Replying to the agent's message works too.
import { useState } from 'react';
import type { TaskEvent } from '../../../shared/task-timeline';
import { trpc } from '../../trpc';

type Ask = Extract<TaskEvent, { kind: 'ask' }>;

const BUTTON =
  'rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-700';

export function TaskAsk({ ask }: { taskId: number; ask: Ask }) {
  const answer = trpc.tasks.answer.useMutation();
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const send = (text: string) => answer.mutate({ askId: ask.askId, answer: text });
  const busy = answer.isPending || answer.isSuccess;
  return (
    <div
      data-testid="task-card-ask"
      data-ask-id={ask.askId}
      className="mt-1 rounded border border-amber-300 bg-amber-50 px-2 py-1 dark:border-amber-700 dark:bg-amber-950/40"
    >
      <p className="whitespace-pre-line">
        {ask.ask === 'permission' ? '🔐 ' : '❓ '}
        {ask.text}
      </p>
      <div className="mt-1 flex flex-wrap items-center gap-1">
        {ask.ask === 'question' ? (
          ask.options.map((option, i) => (
            <button
              key={option}
              type="button"
              data-testid="task-ask-option"
              disabled={busy}
              onClick={() => send(option)}
              className={BUTTON}
            >
              {i + 1}. {option}
            </button>
          ))
        ) : denying ? (
          <form
            className="flex flex-1 items-center gap-1"
            onSubmit={(e) => {
              e.preventDefault();
              send(reason.trim() ? `deny ${reason.trim()}` : 'deny');
            }}
          >
            <input
              data-testid="task-ask-reason"
              aria-label="Why not (the agent is told)"
              placeholder="Why not? (the agent is told)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={1900}
              className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-0.5 dark:border-slate-600 dark:bg-slate-900"
            />
            <button type="submit" data-testid="task-ask-deny-send" disabled={busy} className={BUTTON}>
              Deny
            </button>
            <button type="button" onClick={() => setDenying(false)} className={BUTTON}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <button
              type="button"
              data-testid="task-ask-allow"
              disabled={busy}
              onClick={() => send('allow')}
              className={BUTTON}
            >
              Allow
            </button>
            <button
              type="button"
              data-testid="task-ask-always"
              disabled={busy}
              onClick={() => send('always')}
              className={BUTTON}
            >
              Always
            </button>
            <button
              type="button"
              data-testid="task-ask-deny"
              disabled={busy}
              onClick={() => setDenying(true)}
              className={BUTTON}
            >
              Deny…
            </button>
          </>
        )}
      </div>
      {answer.error && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {answer.error.message}
        </p>
      )}
    </div>
  );
}
