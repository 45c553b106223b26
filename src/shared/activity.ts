// Ephemeral activity events (typing, presence, agent status): live only, never stored or replayed.

export type AgentStatus = 'idle' | 'working' | 'stuck' | 'offline';

export type ActivityEvent =
  | { type: 'typing'; user: string; isTyping: boolean; at: string }
  | { type: 'presence'; user: string; kind: 'user' | 'agent'; online: boolean; at: string }
  | { type: 'agent-status'; agent: string; status: AgentStatus; task: string | null; at: string };

export interface PresenceEntry {
  name: string;
  kind: 'user' | 'agent';
  online: boolean;
  connections: number;
  since: string;
  status?: AgentStatus;
  role?: string;
  task?: string | null;
}
