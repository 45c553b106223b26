// Agent reply latency as the stored messages tell it: from a message mentioning an agent to that agent's first
// reply to it (an acknowledgement, an answer), over the newest replies. The same figure after a restart and on
// every instance of a cluster, unlike a count kept in memory.
import type { StatsRepository } from '../db/stats-repository';
import { type LatencySummary, summarizeLatency } from './latency';

/** How many of the newest agent replies the figure looks at. */
export const REPLY_WINDOW = 1000;

export async function storedReplyLatency(
  stats: Pick<StatsRepository, 'agentReplies'>,
  limit = REPLY_WINDOW,
): Promise<LatencySummary> {
  const rows = await stats.agentReplies(limit);
  const firstReply = new Map<string, number>();
  for (const row of rows) {
    const agent = row.agent.toLowerCase();
    // A reply to a message that did not mention the agent (help passed on, a follow-up) is not an answer to a mention.
    if (!row.mentions.some((name) => name.toLowerCase() === agent)) continue;
    // Rows come newest first, so the last one kept for a mention is the agent's first reply to it.
    firstReply.set(`${row.askId} ${agent}`, Math.max(0, Date.parse(row.repliedAt) - Date.parse(row.askedAt)));
  }
  return summarizeLatency([...firstReply.values()]);
}
