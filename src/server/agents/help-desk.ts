// The help loop: a help request from an agent draws one suggestion from each agent whose expertise matches;
// replies to the request (or mentions of the stuck agent, or replies in its task's thread) are passed on to that
// agent's worker. Everything said about a request stays in the thread it was asked in.
import type { Logger } from 'pino';
import type { Message } from '../../shared/message';
import type { ChatLine, Responder } from './responder';
import { matchingExpertise } from './roles';
import type { Roster } from './roster';
import type { TaskRunner } from './task-runner';
import type { Voice } from './voice';

/** "I need help", "I'm stuck with…", "any ideas?": on word boundaries, so "stuckness" or "ideasx" do not count. */
const HELP_REQUEST =
  /(?<![\w'’])(?:need (?:some )?help|(?:i'm|i’m|i am|am|got|getting) stuck|stuck (?:on|with)|any ideas|can anyone help|could use (?:some )?help)(?![\w'’])/i;

interface HelpRequest {
  agent: string;
  messageId: number;
  /** Agents who already answered: at most one answer each. */
  answered: Set<string>;
}

const KEEP_REQUESTS = 500;

export class HelpDesk {
  private readonly requests = new Map<number, HelpRequest>();

  constructor(
    private readonly deps: {
      roster: Roster;
      runner: TaskRunner;
      voice: Voice;
      responder: () => Responder;
      history: () => Promise<ChatLine[]>;
      logger: Logger;
    },
  ) {}

  /** A message from a hired agent asking the team for help (not a reply to anyone; in its task's thread or not). */
  isHelpRequest(message: Message): boolean {
    return (
      message.senderKind === 'agent' &&
      message.replyTo === null &&
      this.deps.roster.get(message.sender) !== undefined &&
      HELP_REQUEST.test(message.text)
    );
  }

  request(messageId: number | null): HelpRequest | undefined {
    return messageId === null ? undefined : this.requests.get(messageId);
  }

  /** Records the request and posts the matching agents' suggestions as replies to it. */
  async open(message: Message): Promise<void> {
    const request: HelpRequest = { agent: message.sender, messageId: message.id, answered: new Set() };
    this.requests.set(message.id, request);
    if (this.requests.size > KEEP_REQUESTS) this.requests.delete(this.requests.keys().next().value as number);
    const task = this.deps.runner.active(message.sender)?.task.description ?? null;
    const about = task ? `${message.text}\n${task}` : message.text;
    const helpers = this.deps.roster
      .all()
      .filter((e) => e.name !== message.sender)
      .map((agent) => ({ employee: agent, matches: matchingExpertise(agent.role, about) }))
      .filter((h) => h.matches.length > 0);
    if (helpers.length === 0) {
      this.deps.logger.info({ agent: message.sender }, 'help request: no employee has matching expertise');
      return;
    }
    const history = await this.deps.history();
    await Promise.all(
      helpers.map(async ({ employee, matches }) => {
        if (request.answered.has(employee.name)) return;
        request.answered.add(employee.name);
        const text = await this.deps.responder().suggest({
          agent: { name: employee.name, role: employee.role },
          stuckAgent: message.sender,
          task,
          text: message.text,
          matches,
          history,
          seed: message.id + employee.name.length,
        });
        await this.deps.voice.say(employee.name, text, {
          replyTo: message.id,
          thread: message.threadRoot,
          unsolicited: true,
        });
      }),
    );
  }

  /** Passes `message` to `agent`'s worker and acknowledges; false when the agent has no running worker. */
  async deliver(agent: string, message: Message): Promise<boolean> {
    if (message.sender === agent) return false;
    if (!this.deps.runner.deliverHelp(agent, message.sender, message.text)) return false;
    this.deps.logger.info({ agent, from: message.sender, message: message.id }, 'help passed to the worker');
    await this.deps.voice.say(agent, `Thanks @${message.sender} — passing that on.`, {
      replyTo: message.id,
      thread: message.threadRoot,
    });
    return true;
  }
}
