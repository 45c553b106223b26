// Editing and deleting your own messages (any message for an admin): the Edit / Delete actions, the in-place
// editor (Enter saves, Escape cancels), the "(edited)" mark, and Up-arrow in an empty composer editing your last one.
import { Check, Pencil, Trash2, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Message } from '../../../shared/message';
import { type ChatConnection, errorText } from '../../lib/chat-connection';
import { useChatStore } from '../../stores/chatStore';
import { useEditingStore } from '../../stores/editing';

/** Lets the actions reach the server through this connection while the chat screen is up. */
export function useMessageChanges(connection: ChatConnection): void {
  useEffect(() => {
    const { trpc } = connection.client;
    useEditingStore.getState().setApi({
      edit: (id, text) => trpc.chat.edit.mutate({ id, text }),
      delete: (id) => trpc.chat.delete.mutate({ id }),
    });
    return () => useEditingStore.getState().setApi(null);
  }, [connection]);
}

/** Up-arrow in an empty composer: edit your newest message still there. False when there is none. */
export function editLastOwnMessage(): boolean {
  const { me, order, messages } = useChatStore.getState();
  if (!me) return false;
  for (let i = order.length - 1; i >= 0; i--) {
    const m = messages[order[i] as number];
    if (m && m.sender === me.id && m.senderKind === 'user' && m.deletedAt === undefined) {
      useEditingStore.getState().startEditing(m.id);
      return true;
    }
  }
  return false;
}

/** A person's own messages: edit and delete; an admin may delete anyone's. */
export function OwnMessageActions({ message, className }: { message: Message; className: string }) {
  const me = useChatStore((s) => s.me);
  const confirming = useEditingStore((s) => s.confirmingDelete === message.id);
  if (!me || message.deletedAt !== undefined) return null;
  const mine = message.sender === me.id;
  if (!mine && me.role !== 'admin') return null;
  const remove = async () => {
    const { api, askDelete, setFailed } = useEditingStore.getState();
    askDelete(null);
    try {
      await api?.delete(message.id);
    } catch (error) {
      setFailed({ id: message.id, error: errorText(error) });
    }
  };
  return (
    <>
      {mine && (
        <button
          type="button"
          data-testid="edit-button"
          onClick={() => useEditingStore.getState().startEditing(message.id)}
          aria-label="Edit message"
          title="Edit"
          className={className}
        >
          <Pencil size={14} aria-hidden="true" />
        </button>
      )}
      {confirming ? (
        <button
          type="button"
          data-testid="confirm-delete"
          onClick={remove}
          onBlur={() => useEditingStore.getState().askDelete(null)}
          aria-label={mine ? 'Confirm: delete your message' : `Confirm: delete ${message.sender}'s message`}
          className={`${className} text-xs font-semibold text-red-600`}
        >
          Delete?
        </button>
      ) : (
        <button
          type="button"
          data-testid="delete-button"
          onClick={() => useEditingStore.getState().askDelete(message.id)}
          aria-label={mine ? 'Delete message' : `Delete ${message.sender}'s message`}
          title="Delete"
          className={className}
        >
          <Trash2 size={14} aria-hidden="true" />
        </button>
      )}
    </>
  );
}

/** The message's text (`children`), or the editor while it is being edited; "(edited)" after an edited one. */
export function EditableText({
  message,
  children,
}: {
  /** Null for a message still on its way (nothing to edit yet). */
  message: Message | null;
  children: React.ReactNode;
}) {
  const id = message?.id ?? null;
  const editing = useEditingStore((s) => id !== null && s.editing === id);
  const failed = useEditingStore((s) => (id !== null && s.failed?.id === id ? s.failed.error : null));
  if (message === null) return children;
  return (
    <>
      {editing ? <InlineEditor message={message} /> : children}
      {!editing && message.editedAt !== undefined && message.deletedAt === undefined && (
        <span
          data-testid="edited-mark"
          title={`Edited ${new Date(message.editedAt).toLocaleString()}`}
          className="ml-1 text-xs text-slate-500 dark:text-slate-400"
        >
          (edited)
        </span>
      )}
      {failed !== null && (
        <p role="alert" data-testid="change-error" className="text-xs text-red-600">
          {failed}
        </p>
      )}
    </>
  );
}

function InlineEditor({ message }: { message: Message }) {
  const [text, setText] = useState(message.text);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const stop = () => {
    useEditingStore.getState().stopEditing();
    // Back to the composer, where the person was typing (Up-arrow) or will type next.
    document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')?.focus();
  };
  const save = async () => {
    if (text.trim() === '') {
      setError('The text is empty: delete the message instead');
      return;
    }
    if (text === message.text) return stop();
    setSaving(true);
    try {
      await useEditingStore.getState().api?.edit(message.id, text);
      stop();
    } catch (e) {
      setError(errorText(e));
      setSaving(false);
    }
  };
  return (
    <div className="mt-1">
      <textarea
        ref={box}
        data-testid="edit-input"
        aria-label="Edit message (Enter saves, Escape cancels)"
        value={text}
        rows={Math.min(8, text.split('\n').length)}
        disabled={saving}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            stop();
          } else if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void save();
          }
        }}
        className="w-full resize-none rounded border border-slate-300 bg-white px-2 py-1 text-[15px] dark:border-slate-600 dark:bg-slate-800"
      />
      <div className="flex items-center gap-2 text-xs">
        <button
          type="button"
          data-testid="edit-save"
          onClick={() => void save()}
          className="flex items-center gap-1 rounded bg-sky-600 px-2 py-0.5 text-white"
        >
          <Check size={12} aria-hidden="true" /> Save
        </button>
        <button type="button" onClick={stop} className="flex items-center gap-1 rounded px-2 py-0.5">
          <X size={12} aria-hidden="true" /> Cancel
        </button>
        <span className="text-slate-500">Enter saves · Esc cancels</span>
        {error !== null && (
          <span role="alert" data-testid="edit-error" className="text-red-600">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
