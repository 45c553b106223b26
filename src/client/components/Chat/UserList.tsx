// Who is here: people online, agents with their status and current task, then people offline. While the
// connection is down nobody's presence is known: everyone is shown greyed, in one list, with a note saying so.
import { Bot, Circle } from 'lucide-react';
import type { AgentStatus, PresenceEntry } from '../../../shared/activity';
import { useChatStore } from '../../stores/chatStore';

const STATUS_STYLE: Record<AgentStatus, string> = {
  idle: 'text-emerald-600 dark:text-emerald-400',
  working: 'text-sky-600 dark:text-sky-400',
  stuck: 'text-amber-600 dark:text-amber-400',
  offline: 'text-slate-400',
};

interface Props {
  users: PresenceEntry[];
  me: string | null;
  onMention?(name: string): void;
}

export function partitionUsers(users: PresenceEntry[]) {
  const byName = (a: PresenceEntry, b: PresenceEntry) => a.name.localeCompare(b.name);
  return {
    online: users.filter((u) => u.kind === 'user' && u.online).sort(byName),
    agents: users.filter((u) => u.kind === 'agent').sort(byName),
    offline: users.filter((u) => u.kind === 'user' && !u.online).sort(byName),
  };
}

function Section({ title, children, count }: { title: string; count: number; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="mb-4">
      <h3 className="mb-1 px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {title} <span className="font-normal">({count})</span>
      </h3>
      <ul className="space-y-0.5">{children}</ul>
    </section>
  );
}

export function UserList({ users, me, onMention }: Props) {
  const { online, agents, offline } = partitionUsers(users);
  // Presence arrives over the connection: without it, "online" is a guess that may be minutes old.
  const unknown = useChatStore((s) => s.connection.state !== 'connected');
  const person = (u: PresenceEntry) => (
    <li
      key={u.name}
      data-user={u.name}
      data-online={unknown ? 'unknown' : u.online}
      className="flex items-center gap-2 px-1 text-sm"
    >
      <Circle
        size={8}
        aria-hidden="true"
        className={
          unknown
            ? 'text-slate-300 dark:text-slate-600'
            : u.online
              ? 'fill-emerald-500 text-emerald-500'
              : 'text-slate-400'
        }
      />
      <button
        type="button"
        onClick={() => onMention?.(u.name)}
        className="truncate text-left hover:underline"
        aria-label={`Mention ${u.name}`}
      >
        {u.name}
        {u.name === me && <span className="text-slate-500"> (you)</span>}
      </button>
    </li>
  );
  return (
    <nav
      data-testid="user-list"
      data-presence={unknown ? 'unknown' : 'known'}
      aria-label="People and agents"
      className={`p-3 ${unknown ? '[&_li]:opacity-60' : ''}`}
    >
      {unknown ? (
        <>
          <p data-testid="presence-unknown" className="mb-3 px-1 text-xs italic text-slate-500">
            Not connected: who is online is unknown until the connection is back.
          </p>
          <Section title="People" count={online.length + offline.length}>
            {[...online, ...offline].sort((a, b) => a.name.localeCompare(b.name)).map(person)}
          </Section>
        </>
      ) : (
        <Section title="Online" count={online.length}>
          {online.map(person)}
        </Section>
      )}
      <Section title="Agents" count={agents.length}>
        {agents.map((agent) => {
          const status = agent.status ?? (agent.online ? 'idle' : 'offline');
          return (
            <li key={agent.name} data-user={agent.name} data-status={status} className="px-1 text-sm">
              <div className="flex items-center gap-2">
                <Bot size={14} aria-hidden="true" className={STATUS_STYLE[status]} />
                <button
                  type="button"
                  onClick={() => onMention?.(agent.name)}
                  className="truncate text-left hover:underline"
                  aria-label={`Mention ${agent.name}`}
                >
                  {agent.name}
                </button>
                {status === 'idle' && agent.failedTask ? (
                  <span
                    data-testid="agent-failed"
                    className="ml-auto text-xs text-red-700 dark:text-red-400"
                    title={`Task #${agent.failedTask} failed; its log says why`}
                  >
                    last task failed
                  </span>
                ) : (
                  <span className={`ml-auto text-xs ${STATUS_STYLE[status]}`}>{status}</span>
                )}
              </div>
              {(agent.role || agent.task) && (
                <div
                  className="ml-6 truncate text-xs text-slate-500 dark:text-slate-400"
                  title={agent.task ?? ''}
                >
                  {agent.role}
                  {agent.role && agent.task ? ' · ' : ''}
                  {agent.task}
                </div>
              )}
            </li>
          );
        })}
        {agents.length === 0 && <li className="px-1 text-xs text-slate-500">No agents hired yet.</li>}
      </Section>
      {!unknown && (
        <Section title="Offline" count={offline.length}>
          {offline.map(person)}
        </Section>
      )}
    </nav>
  );
}
