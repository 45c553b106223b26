// The agents' part of communication.stats: how many there are and work, which responder answers, how fast
// replies come, and the unsolicited posts the limiter dropped.
import type { LatencyRecorder, LatencySummary } from './latency';
import { LlmResponder } from './llm-responder';
import type { PostLimiter } from './post-limiter';
import type { Responder } from './responder';
import type { Roster } from './roster';
import type { TaskRunner } from './task-runner';

export interface AgentStats {
  employees: number;
  working: number;
  responder: 'deterministic' | 'llm';
  /** Mention committed -> reply committed, over the last 1000 replies. */
  responseLatency: LatencySummary;
  droppedPosts: number;
  droppedByAgent: Record<string, number>;
  llmFallbacks: number;
  /** The coding agent tasks run on, and (opencode) whether it can take work; details for admins: tasks.worker. */
  worker: { mode: 'opencode' | 'command'; state: string | null };
}

export function agentStats(s: {
  roster: Roster;
  runner: TaskRunner;
  responder: Responder;
  latency: LatencyRecorder;
  limiter: PostLimiter;
  /** Another instance runs the agents. */
  following: boolean;
  worker: AgentStats['worker'];
}): AgentStats {
  const all = s.roster.all();
  return {
    employees: all.length,
    // Elsewhere in a cluster the mirror's statuses tell who works; here the runner knows.
    working: all.filter((e) => (s.following ? s.roster.status(e.name) !== 'idle' : s.runner.active(e.name)))
      .length,
    responder: s.responder.kind,
    responseLatency: s.latency.summary(),
    droppedPosts: s.limiter.droppedTotal,
    droppedByAgent: Object.fromEntries(s.limiter.dropped),
    llmFallbacks: s.responder instanceof LlmResponder ? s.responder.fallbacks : 0,
    worker: s.worker,
  };
}
