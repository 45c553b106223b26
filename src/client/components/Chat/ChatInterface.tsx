// The chat screen: header with connection state, the conversation, typing line, composer, and the people list
// (a drawer under 768 px). Slash commands of the shared table are run (slash-commands.ts); other text is sent.
import { LogOut, Settings, Users, X } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '../../../shared/message';
import { useNotifications } from '../../hooks/useNotifications';
import { useTypingSignal } from '../../hooks/useTypingSignal';
import { useUnread } from '../../hooks/useUnread';
import { type ChatConnection, errorText } from '../../lib/chat-connection';
import { offeredCommands } from '../../lib/commands';
import { useChatStore } from '../../stores/chatStore';
import { SearchLauncher } from '../Search/SearchLauncher';
import { TaskBadge } from '../Tasks/TaskBadge';
import { TaskCard } from '../Tasks/TaskCard';
import { TaskLogDialog } from '../Tasks/TaskLogDialog';
import { useTaskCards } from '../Tasks/useTaskCards';
import { useTaskIndex } from '../Tasks/useTaskIndex';
import { openThreadOf } from '../Thread/openThreadOf';
import { ThreadPanelHost } from '../Thread/ThreadPanelHost';
import { ConnectionStatus } from './ConnectionStatus';
import { editLastOwnMessage, useMessageChanges } from './MessageEditing';
import { MessageInput, type MessageInputHandle } from './MessageInput';
import { MessageList, type MessageListHandle } from './MessageList';
import { NotificationToggle } from './NotificationToggle';
import { runSlashCommand } from './slash-commands';
import { TypingIndicator } from './TypingIndicator';
import { UserList } from './UserList';
import { useQuotedOriginals } from './useQuotedOriginals';

interface Props {
  connection: ChatConnection;
  onSignOut(): void;
  onOpenAdmin?(): void;
}

export function ChatInterface({ connection, onSignOut, onOpenAdmin }: Props) {
  const me = useChatStore((s) => s.me);
  const usersById = useChatStore((s) => s.users);
  const replyToId = useChatStore((s) => s.replyTo);
  const replyTo = useChatStore((s) => (s.replyTo !== null ? s.messages[s.replyTo] : undefined));
  const users = useMemo(() => Object.values(usersById), [usersById]);
  const commands = useMemo(() => offeredCommands(me), [me]);
  const [peopleOpen, setPeopleOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useRef<MessageListHandle>(null);
  const composer = useRef<MessageInputHandle>(null);
  const focusComposer = useCallback(() => composer.current?.focus(), []);
  const typing = useTypingSignal(connection.setTyping);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const taskFor = useTaskIndex();
  const cardFor = useTaskCards();
  const [logTask, setLogTask] = useState<number | null>(null);
  const renderExtra = useCallback(
    (message: Message) => {
      const task = taskFor(message);
      const card = cardFor(message);
      if (!task && !card) return null;
      return (
        <>
          {task && <TaskBadge task={task} onOpenLog={setLogTask} />}
          {card && <TaskCard task={card} />}
        </>
      );
    },
    [taskFor, cardFor],
  );

  useEffect(() => () => void (highlightTimer.current && clearTimeout(highlightTimer.current)), []);
  useQuotedOriginals(connection);
  useMessageChanges(connection);
  // Joined: ready to type. Not on touch screens, where focusing would pop the keyboard over the conversation.
  useEffect(() => {
    if (!window.matchMedia?.('(pointer: coarse)').matches) focusComposer();
  }, [focusComposer]);

  const onReply = useCallback(
    (message: Message) => {
      useChatStore.getState().setReplyTo(message.id);
      focusComposer();
    },
    [focusComposer],
  );

  const onQuoteClick = useCallback(
    async (id: number) => {
      // A reply that lives only in its thread is shown there: the main list's pages never hold it.
      if (await openThreadOf(id, (ids) => connection.client.trpc.chat.get.query({ ids }))) return;
      // Before loading: the pages a jump prepends must not let the list follow new messages back down.
      list.current?.holdPosition();
      // Near: the pages between are loaded; far: a window around it (Jump to latest returns to the live list).
      const shown = await connection.jumpTo(id).catch((error: unknown) => {
        setNotice(`Could not load message #${id}: ${errorText(error)}`);
        return null;
      });
      if (shown === null) return;
      if (!shown) {
        setNotice(`Message #${id} is no longer available.`);
        return;
      }
      // One frame for the list to render freshly loaded pages before scrolling into them.
      requestAnimationFrame(() => list.current?.scrollToMessage(id));
      useChatStore.getState().setHighlighted(id);
      if (highlightTimer.current) clearTimeout(highlightTimer.current);
      highlightTimer.current = setTimeout(() => useChatStore.getState().setHighlighted(null), 3_000);
    },
    [connection],
  );
  // The read position (unread count in the title, divider, mark read) and notifications that open their message.
  useUnread(connection);
  useNotifications(onQuoteClick);

  const onSubmit = async (text: string) => {
    typing.stop();
    setNotice(null);
    if (text.trimStart().startsWith('/')) {
      const outcome = await runSlashCommand(text, connection.client.trpc);
      if (outcome?.ok) setNotice(outcome.notice);
      if (outcome) return outcome;
    }
    const replyTarget = useChatStore.getState().replyTo;
    useChatStore.getState().setReplyTo(null);
    requestAnimationFrame(() => list.current?.scrollToBottom());
    const result = await connection.send(text, replyTarget);
    if (!result.ok) useChatStore.getState().setReplyTo(replyTarget);
    return result;
  };

  const mention = (name: string) => {
    setPeopleOpen(false);
    composer.current?.insert(`@${name} `);
  };

  return (
    <div className="flex h-dvh flex-col bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
      {/* First in the tab order: past the header and the conversation in one key press. */}
      <button
        type="button"
        data-testid="skip-to-composer"
        onClick={focusComposer}
        className="sr-only rounded bg-sky-600 px-3 py-1 text-sm text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50"
      >
        Skip to composer
      </button>
      {/* One line at any width: the status clips rather than wrapping the header (phones, "Reconnecting in 3 s"). */}
      <header
        data-testid="chat-header"
        className="flex items-center gap-2 whitespace-nowrap border-b border-slate-200 px-3 py-2 sm:gap-3 sm:px-4 dark:border-slate-700"
      >
        <h1 className="shrink-0 text-base font-semibold">OpenCode-Slack</h1>
        <div className="min-w-0 flex-1 overflow-hidden">
          <ConnectionStatus />
        </div>
        <div className="flex shrink-0 items-center gap-2 text-sm">
          <span className="hidden text-slate-600 sm:inline dark:text-slate-300" data-testid="current-user">
            {me?.id}
            {me?.role === 'admin' ? ' (admin)' : ''}
          </span>
          <SearchLauncher connection={connection} onJump={onQuoteClick} />
          <NotificationToggle />
          {onOpenAdmin && (
            <button
              type="button"
              data-testid="open-admin"
              onClick={onOpenAdmin}
              className="flex items-center gap-1 rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              <Settings size={16} aria-hidden="true" /> <span className="hidden sm:inline">Admin</span>
            </button>
          )}
          <button
            type="button"
            onClick={() => setPeopleOpen((v) => !v)}
            aria-expanded={peopleOpen}
            aria-controls="people-panel"
            aria-label="Show people and agents"
            className="rounded p-1 hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
          >
            <Users size={18} aria-hidden="true" />
          </button>
          <button
            type="button"
            onClick={onSignOut}
            aria-label="Sign out"
            title="Sign out"
            className="rounded p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            <LogOut size={16} aria-hidden="true" />
          </button>
        </div>
      </header>
      <div className="relative flex min-h-0 flex-1">
        <main className="flex min-w-0 flex-1 flex-col">
          <MessageList
            ref={list}
            onReply={onReply}
            onQuoteClick={onQuoteClick}
            onLoadOlder={connection.loadOlder}
            onLoadNewer={connection.loadNewer}
            renderExtra={renderExtra}
          />
          {notice && (
            <div
              role="status"
              data-testid="notice"
              className="mx-4 mb-1 flex items-start gap-2 whitespace-pre-line rounded bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800"
            >
              <span className="flex-1">{notice}</span>
              <button type="button" aria-label="Dismiss" onClick={() => setNotice(null)}>
                <X size={14} aria-hidden="true" />
              </button>
            </div>
          )}
          <TypingIndicator />
          <MessageInput
            ref={composer}
            users={users}
            commands={commands}
            me={me?.id ?? null}
            replyTo={replyTo ?? null}
            replyToId={replyToId}
            onCancelReply={() => useChatStore.getState().setReplyTo(null)}
            onSubmit={onSubmit}
            onKeystroke={typing.keystroke}
            onEditLast={editLastOwnMessage}
          />
        </main>
        <ThreadPanelHost connection={connection} me={me?.id} onClosed={focusComposer} />
        <aside
          id="people-panel"
          className={`${
            peopleOpen ? 'absolute inset-y-0 right-0 z-30 block shadow-xl' : 'hidden'
          } w-64 shrink-0 overflow-y-auto border-l border-slate-200 bg-white md:static md:block md:shadow-none dark:border-slate-700 dark:bg-slate-900`}
        >
          <UserList users={users} me={me?.id ?? null} onMention={mention} />
        </aside>
      </div>
      {logTask !== null && <TaskLogDialog taskId={logTask} onClose={() => setLogTask(null)} />}
    </div>
  );
}
