// Which responder the settings ask for: the LLM one when a model and an endpoint (or key) are set, otherwise the
// deterministic one, which needs nothing and always answers.
import type { Logger } from 'pino';
import type { Config } from '../config';
import { DeterministicResponder } from './deterministic-responder';
import { LlmResponder } from './llm-responder';
import type { Responder } from './responder';

export function responderFor(config: Config, logger: Logger): Responder {
  return config.AGENT_MODEL && (config.OPENAI_BASE_URL || config.OPENAI_API_KEY)
    ? new LlmResponder({
        baseURL: config.OPENAI_BASE_URL,
        apiKey: config.OPENAI_API_KEY,
        model: config.AGENT_MODEL,
        logger,
      })
    : new DeterministicResponder();
}
