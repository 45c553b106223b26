// employees.hire: a new agent, under a name no person here uses, with a model opencode offers; the live
// roster announces it where the agents run, and the other instances are told.

import { type Agent, AgentExistsError } from '../../db/agents-repository';
import type { Repository } from '../../db/repository';
import { DomainError } from '../../domain-error';
import type { Hub } from '../../hub/hub';
import type { AgentView } from '../agent-view';
import type { HireInput } from '../schemas';
import type { CommandDeps, Seat } from './seat';

export interface HireDeps extends Pick<CommandDeps, 'repo' | 'logger' | 'exclusive'> {
  hub: Hub;
  chat: Repository;
  /** BAD_REQUEST unless opencode offers the model (when it runs). */
  assertModel: (model: string) => Promise<void>;
}

export async function hire(
  d: HireDeps,
  seat: Seat & { view(employee: Agent): Promise<AgentView> },
  input: HireInput,
  by: string,
): Promise<AgentView> {
  await assertNotAPerson(d, input.name);
  if (input.model) await d.assertModel(input.model);
  // Serialised with roster reloads (cluster), so a reload that read the table just before cannot undo the add.
  const agent = await d.exclusive(async () => {
    let inserted: Agent;
    try {
      inserted = await d.repo.insertAgent({ ...input, hiredBy: by, hiredAt: new Date().toISOString() });
    } catch (error) {
      if (error instanceof AgentExistsError)
        throw new DomainError(
          'BAD_REQUEST',
          `${error.message}; pick another name or fire ${input.name} first`,
        );
      throw error;
    }
    seat.joined(inserted);
    return inserted;
  });
  d.logger.info({ agent: agent.name, role: agent.role, by }, 'employee hired');
  await seat.announce();
  return seat.view(agent);
}

/** Hiring under a person's name would let the agent speak as them, or lock them out: refused. */
async function assertNotAPerson(d: HireDeps, name: string): Promise<void> {
  const online = d.hub.presence.onlineUsers().some((user) => user.toLowerCase() === name);
  if (online || (await d.chat.hasPersonNamed(name)))
    throw new DomainError(
      'BAD_REQUEST',
      `${name} is already the name of a person here (${online ? 'online now' : 'they have posted'}); pick another name for the employee`,
    );
}
