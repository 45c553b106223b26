// Replies from any OpenAI-compatible chat-completions endpoint; falls back to the deterministic responder on any
// error or after the time limit, so an agent always answers.
import OpenAI from 'openai';
import type { Logger } from 'pino';
import { DeterministicResponder } from './deterministic-responder';
import type {
  AcknowledgeInput,
  AgentProfile,
  AnswerInput,
  ChatLine,
  Responder,
  SuggestInput,
} from './responder';
import { describeRole, expertiseFor } from './roles';

export const LLM_TIMEOUT_MS = 15_000;
const MAX_REPLY = 1500;

export interface LlmResponderOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  logger: Logger;
}

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export class LlmResponder implements Responder {
  readonly kind = 'llm' as const;
  private readonly client: OpenAI;
  private readonly fallback = new DeterministicResponder();
  private readonly timeoutMs: number;
  /** Replies that came from the fallback (error or timeout), for stats and tests. */
  fallbacks = 0;

  constructor(private readonly options: LlmResponderOptions) {
    this.timeoutMs = options.timeoutMs ?? LLM_TIMEOUT_MS;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      // Local OpenAI-compatible servers often need no key, but the client insists on one.
      apiKey: options.apiKey || 'not-needed',
      timeout: this.timeoutMs,
      maxRetries: 0,
    });
  }

  /** Acknowledgements must be instant and name the task verbatim: always the deterministic phrasing. */
  acknowledge(input: AcknowledgeInput): string {
    return this.fallback.acknowledge(input);
  }

  async answer(input: AnswerInput): Promise<string> {
    const prompt = `@${input.from} wrote to you: "${input.text}". Reply in one to three sentences, addressed to @${input.from}.`;
    return this.complete(input.agent, input.history, prompt, () => this.fallback.answer(input));
  }

  async suggest(input: SuggestInput): Promise<string> {
    const prompt = [
      `Your teammate @${input.stuckAgent} asked the team for help${input.task ? ` with the task "${input.task}"` : ''}:`,
      `"${input.text}"`,
      `Your expertise that matches: ${input.matches.join(', ') || 'general'}.`,
      `Give one concrete, practical suggestion in two or three sentences, starting with @${input.stuckAgent}.`,
    ].join('\n');
    return this.complete(input.agent, input.history, prompt, () => this.fallback.suggest(input));
  }

  private async complete(
    agent: AgentProfile,
    history: ChatLine[],
    prompt: string,
    fallback: () => Promise<string>,
  ): Promise<string> {
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: `You are ${agent.name}, ${describeRole(agent.role)} on a software team, chatting in the team's chat room. Your expertise: ${expertiseFor(agent.role).join(', ')}. Be brief, friendly and concrete. Plain text, no headings.`,
      },
      ...history.map(
        (line): ChatMessage =>
          line.sender === agent.name
            ? { role: 'assistant', content: line.text }
            : { role: 'user', content: `${line.sender}: ${line.text}` },
      ),
      { role: 'user', content: prompt },
    ];
    try {
      const completion = await this.client.chat.completions.create(
        { model: this.options.model, messages, max_tokens: 300, temperature: 0.4 },
        // The SDK's own timeout covers the request; the signal also covers a body that trickles in forever.
        { signal: AbortSignal.timeout(this.timeoutMs), timeout: this.timeoutMs },
      );
      const text = completion.choices[0]?.message?.content?.trim();
      if (!text) throw new Error('the model returned an empty reply');
      return text.length > MAX_REPLY ? `${text.slice(0, MAX_REPLY - 1)}…` : text;
    } catch (error) {
      this.fallbacks += 1;
      this.options.logger.warn(
        { err: error, agent: agent.name },
        'LLM reply failed; using the deterministic responder',
      );
      return fallback();
    }
  }
}
