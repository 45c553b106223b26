// tasks.assign (and a queued task of any other kind): queued within the assigner's cap of waiting tasks, with the
// agent's "on it" in the chat, addressed to whoever assigned it; then it starts where the agents run. The task has no
// chat message of its own, so that acknowledgement becomes it: the task's talk goes in the acknowledgement's thread.
import type { User } from '../../auth';
import type { Agent, Task } from '../../db/agents-repository';
import { withRoomInQueue } from '../queue-cap';
import type { AssignInput } from '../schemas';
import type { CommandDeps, Seat } from './seat';

type QueueDeps = Pick<CommandDeps, 'repo' | 'runner' | 'voice' | 'responder'>;

export async function assign(
  d: QueueDeps,
  seat: Seat,
  input: AssignInput,
  by: User,
): Promise<{ task: Task; ahead: number }> {
  const agent = await seat.agent(input.employee);
  const result = await d.runner.withLock(agent.name, () => queueTask(d, agent, input, by));
  return { task: await seat.queued(agent.name, result.task), ahead: result.ahead };
}

/** Queues the task and posts the agent's acknowledgement (call under the agent's runner lock). */
export async function queueTask(
  d: QueueDeps,
  agent: Agent,
  input: AssignInput,
  by: User,
): Promise<{ task: Task; ahead: number }> {
  const queued = await withRoomInQueue(d.repo, by, () =>
    d.runner.enqueue({
      employee: agent,
      description: input.description,
      assignedBy: by.id,
      messageId: null,
      model: input.model,
      mode: input.mode,
    }),
  );
  const ack = d.responder().acknowledge({
    agent: agent,
    task: queued.task.description,
    ahead: queued.ahead,
    seed: queued.task.id,
  });
  // Without git, tasks take turns across agents: the acknowledgement says whose this one waits for.
  const turn = await d.runner.turnNote(agent.name);
  const posted = await d.voice.say(agent.name, `@${by.id} ${ack}${turn ? ` (${turn}.)` : ''}`, {
    apiReply: true,
  });
  if (!posted) return queued;
  const task = await d.repo.updateTask(queued.task.id, { messageId: posted.id });
  d.runner.rememberThread(posted.id, task.id);
  return { task, ahead: queued.ahead };
}
