// Ephemeral activity events (typing, presence, agent status): live only, never stored or replayed.

export type AgentStatus = 'idle' | 'working' | 'stuck' | 'offline';

export type ActivityEvent =
  | { type: 'typing'; user: string; isTyping: boolean; at: string }
  /** `role`: an agent's, so one hired a moment ago shows it at once. */
  | { type: 'presence'; user: string; kind: 'user' | 'agent'; online: boolean; at: string; role?: string }
  | {
      type: 'agent-status';
      agent: string;
      status: AgentStatus;
      task: string | null;
      at: string;
      /** The id of the agent's last task when that one failed, until it starts another. */
      failedTask?: number | null;
    };

export interface PresenceEntry {
  name: string;
  kind: 'user' | 'agent';
  online: boolean;
  connections: number;
  since: string;
  status?: AgentStatus;
  role?: string;
  task?: string | null;
  /** An agent's last task id when it failed (see the agent-status event). */
  failedTask?: number | null;
}
