// A sender's avatar: a person is a round initial in their own stable colour; an agent is a square with a bot and
// a bot badge, so it is never taken for a person; the system is a grey info mark.
import { Bot, Info } from 'lucide-react';
import { avatarColor } from '../../lib/avatar-color';

export function Avatar({ name, kind }: { name: string; kind: 'user' | 'agent' | 'system' }) {
  if (kind === 'system')
    return (
      <div
        aria-hidden="true"
        data-avatar="system"
        className="mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200"
      >
        <Info size={16} />
      </div>
    );
  if (kind === 'agent')
    return (
      <div
        aria-hidden="true"
        data-avatar="agent"
        className={`relative mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-md ring-2 ring-slate-500/60 ${avatarColor(name)}`}
      >
        <Bot size={18} />
      </div>
    );
  return (
    <div
      aria-hidden="true"
      data-avatar="user"
      className={`mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-full text-sm font-semibold uppercase ${avatarColor(name)}`}
    >
      {[...name][0] ?? '?'}
    </div>
  );
}
