// The responder interface: what an agent says when acknowledging, answering, or offering help.

export interface AgentProfile {
  name: string;
  role: string;
}

export interface ChatLine {
  sender: string;
  text: string;
}

export interface AcknowledgeInput {
  agent: AgentProfile;
  task: string;
  /** Tasks ahead of this one (running or queued); 0 = starting now. */
  ahead: number;
  /** Picks a phrasing variant reproducibly (the message id). */
  seed: number;
}

export interface AnswerInput {
  agent: AgentProfile;
  from: string;
  text: string;
  intent: 'question' | 'smalltalk';
  /** The last messages of the conversation, oldest first. */
  history: ChatLine[];
  seed: number;
}

export interface SuggestInput {
  agent: AgentProfile;
  stuckAgent: string;
  task: string | null;
  text: string;
  /** The helper's expertise keywords found in the request. */
  matches: string[];
  history: ChatLine[];
  seed: number;
}

export interface Responder {
  readonly kind: 'deterministic' | 'llm';
  acknowledge(input: AcknowledgeInput): string;
  answer(input: AnswerInput): Promise<string>;
  suggest(input: SuggestInput): Promise<string>;
}
