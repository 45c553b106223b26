// Reactions under a message: one chip per emoji with its count (your own highlighted, who reacted on hover and for
// screen readers), a button to add one, and the picker. Changes come back live through the stream, not from here.
import { SmilePlus } from 'lucide-react';
import { createContext, useCallback, useContext } from 'react';
import type { Message } from '../../../shared/message';
import { type ChatConnection, errorText } from '../../lib/chat-connection';
import { reactedBy, useReactionPicker } from '../../stores/reactions';
import { ReactionPicker } from './ReactionPicker';

/** Adds (`on`) or takes back the caller's reaction; absent where nobody can react (chips are read-only then). */
export type ReactFn = (id: number, emoji: string, on: boolean) => Promise<void>;
export const ReactionsContext = createContext<ReactFn | null>(null);

/** Lets every message under it react through the connection; a refusal is shown under the message. */
export function ReactionsProvider({
  connection,
  children,
}: {
  connection: ChatConnection;
  children: React.ReactNode;
}) {
  const react = useCallback<ReactFn>(
    async (id, emoji, on) => {
      const { setFailed } = useReactionPicker.getState();
      setFailed(null);
      try {
        await connection.client.trpc.chat.react.mutate({ id, emoji, on });
      } catch (error) {
        setFailed({ key: String(id), error: errorText(error) });
      }
    },
    [connection],
  );
  return <ReactionsContext.Provider value={react}>{children}</ReactionsContext.Provider>;
}

/** Where a message is shown: its picker is keyed by place too, so the root in the thread panel has its own. */
export type MessagePlace = 'main' | 'thread';

const pickerKey = (place: MessagePlace, id: number) => `${place}:${id}`;

export function Reactions({ message, me, place }: { message: Message; me?: string; place: MessagePlace }) {
  const react = useContext(ReactionsContext);
  const key = pickerKey(place, message.id);
  const picking = useReactionPicker((s) => s.openFor === key);
  const failed = useReactionPicker((s) => (s.failed?.key === String(message.id) ? s.failed.error : null));
  const reactions = message.reactions ?? [];
  const canReact = react !== null && message.deletedAt === undefined && me !== undefined;
  if (reactions.length === 0 && !(picking && canReact) && failed === null) return null;
  const mine = (emoji: string) =>
    me !== undefined && (reactions.find((r) => r.emoji === emoji)?.users.includes(me) ?? false);
  return (
    <div data-testid="reactions" className="mt-1 flex flex-wrap items-center gap-1">
      {reactions.map(({ emoji, users }) => {
        const own = mine(emoji);
        const who = `${reactedBy(users, me)} reacted with ${emoji}`;
        return (
          <button
            key={emoji}
            type="button"
            data-testid="reaction-chip"
            data-emoji={emoji}
            data-count={users.length}
            data-mine={own ? 'true' : undefined}
            aria-pressed={own}
            disabled={!canReact}
            title={who}
            aria-label={`${emoji} ${users.length}: ${who}${canReact ? (own ? '. Press to take yours back' : '. Press to add yours') : ''}`}
            onClick={() => void react?.(message.id, emoji, !own)}
            className={`flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs ${
              own
                ? 'border-sky-500 bg-sky-100 text-sky-900 dark:border-sky-400 dark:bg-sky-500/20 dark:text-sky-100'
                : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'
            }`}
          >
            <span aria-hidden="true">{emoji}</span>
            <span aria-hidden="true">{users.length}</span>
          </button>
        );
      })}
      {canReact && reactions.length > 0 && <AddReactionButton message={message} place={place} />}
      {picking && canReact && (
        <ReactionPicker
          onPick={(emoji) => {
            useReactionPicker.getState().close();
            // The picker toggles, as a chip does: choosing an emoji you already gave takes it back.
            void react(message.id, emoji, !mine(emoji));
          }}
          onClose={() => useReactionPicker.getState().close()}
        />
      )}
      {failed !== null && (
        <span role="alert" data-testid="reaction-error" className="text-xs text-red-600 dark:text-red-400">
          Reaction not saved: {failed}
        </span>
      )}
    </div>
  );
}

/** Opens (or closes) this message's picker; shown among the message's actions and after its chips. */
export function AddReactionButton({
  message,
  place,
  className,
}: {
  message: Message;
  place: MessagePlace;
  className?: string;
}) {
  const react = useContext(ReactionsContext);
  const key = pickerKey(place, message.id);
  const picking = useReactionPicker((s) => s.openFor === key);
  if (react === null || message.deletedAt !== undefined) return null;
  return (
    <button
      type="button"
      data-testid="add-reaction"
      aria-label={`Add a reaction to ${message.sender}'s message`}
      aria-expanded={picking}
      title="Add a reaction"
      onClick={() => useReactionPicker.getState().toggle(key)}
      className={
        className ??
        'flex items-center rounded-full border border-slate-300 px-1.5 py-0.5 text-slate-500 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-700'
      }
    >
      <SmilePlus size={14} aria-hidden="true" />
    </button>
  );
}
