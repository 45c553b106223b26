// An open question or permission request of a working agent, on its task card.
import type { TaskEvent } from '../../../shared/task-timeline';

type Ask = Extract<TaskEvent, { kind: 'ask' }>;

export function TaskAsk({ ask }: { taskId: number; ask: Ask }) {
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
      {ask.ask === 'question' && ask.options.length > 0 && (
        <ol className="ml-4 list-decimal">
          {ask.options.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
