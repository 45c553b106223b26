// The admin area beside the chat: transport and switch, agents (hire/fire), tasks (stop, logs), statistics.
import { ArrowLeft } from 'lucide-react';
import { AgentsCard } from './AgentsCard';
import { StatsCard } from './StatsCard';
import { TasksCard } from './TasksCard';
import { TransportCard } from './TransportCard';
import { WorkerCard } from './WorkerCard';

export function AdminPanel({ onClose }: { onClose(): void }) {
  return (
    <div
      data-testid="admin-panel"
      className="min-h-dvh bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100"
    >
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-2 dark:border-slate-700">
        <button
          type="button"
          onClick={onClose}
          data-testid="close-admin"
          className="flex items-center gap-1 rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <ArrowLeft size={16} aria-hidden="true" /> Back to chat
        </button>
        <h1 className="text-base font-semibold">Admin</h1>
      </header>
      <div className="mx-auto grid max-w-4xl gap-4 p-4">
        <TransportCard />
        <AgentsCard />
        <WorkerCard />
        <TasksCard />
        <StatsCard />
      </div>
    </div>
  );
}
