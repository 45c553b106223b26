// Names git sees for a task: its branch, its commit message, the agent's and the server's identities.
import type { Task } from '../../db/agents-repository';

/** Lower-case ascii words of the description joined by `-`, at most `max` characters, cut between words. */
export function slugOf(description: string, max = 40): string {
  const words = description
    .normalize('NFKD')
    // Accents split off by NFKD go, so "café" is "cafe", not "cafe-".
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > max) {
      if (!slug) slug = word.slice(0, max);
      break;
    }
    slug = next;
  }
  return slug || 'task';
}

/** An agent's name as a ref component (names are lower-case already; anything else becomes `-`). */
function refComponent(name: string): string {
  const part = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return part || 'agent';
}

/** `agent/<agent>/<taskId>-<slug>`: always a valid branch name (git check-ref-format --branch). */
export function branchNameFor(task: Pick<Task, 'id' | 'employee' | 'description'>): string {
  return `agent/${refComponent(task.employee)}/${task.id}-${slugOf(task.description)}`;
}

/** The task id in an `agent/<agent>/<id>-…` branch name, null for other branches. */
export function taskIdOfBranch(branch: string): number | null {
  const match = /^agent\/[^/]+\/(\d+)(?:-|$)/.exec(branch);
  return match ? Number(match[1]) : null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export interface Identity {
  name: string;
  email: string;
}

/** The agent as a commit author: its name at an address that cannot receive mail. */
export const agentIdentity = (agent: string): Identity => ({
  name: agent,
  email: `${refComponent(agent)}@agents.opencode-slack.invalid`,
});

/** The server commits and merges; people are named in the message, never impersonated. */
export const serverIdentity: Identity = { name: 'OpenCode-Slack', email: 'server@opencode-slack.invalid' };

/** First line: the description clipped to 72; body: the task, its assigner and the agent as co-author. */
export function commitMessage(
  task: Pick<Task, 'id' | 'employee' | 'description' | 'assignedBy'>,
  o: { interrupted?: boolean; resolving?: string } = {},
): string {
  const description = task.description.replace(/\s+/g, ' ').trim() || `Task #${task.id}`;
  const subject = clip(o.interrupted ? `WIP (interrupted): ${description}` : description, 72);
  const agent = agentIdentity(task.employee);
  const lines = [subject, '', `Task #${task.id} for @${task.assignedBy} (assigned in the team chat).`];
  if (o.resolving) lines.push(`Merges ${o.resolving} into the branch and resolves its conflicts.`);
  if (o.interrupted) lines.push('The task was interrupted; this keeps its work so it can be continued.');
  lines.push('', `Co-authored-by: ${agent.name} <${agent.email}>`);
  return `${lines.join('\n')}\n`;
}

/** The message of a merge commit into the base: the task and who merged it. */
export function mergeMessage(
  task: Pick<Task, 'id' | 'description'>,
  branch: string,
  base: string,
  by: string,
): string {
  const description = task.description.replace(/\s+/g, ' ').trim();
  return `${clip(`Merge ${branch} into ${base}`, 72)}\n\nTask #${task.id}: ${clip(description, 200)}\nMerged by @${by} from the team chat.\n`;
}

/** Author and committer for one git command (the env wins over any config). */
export function identityEnv(author: Identity, committer: Identity = serverIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}
