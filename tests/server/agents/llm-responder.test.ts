import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmResponder } from '../../../src/server/agents/llm-responder';
import { agentServices, callerFor, hire, say, stopAgentServices, waitForMessage } from './helpers';

interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
}

/** A tiny OpenAI-compatible server: POST /v1/chat/completions answered by `reply` (or never, or with 500). */
async function fakeCompletions(reply: (body: ChatRequest) => string | 'hang' | 'error') {
  const requests: ChatRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as ChatRequest;
    requests.push(body);
    const answer = reply(body);
    if (answer === 'hang') {
      hanging.push(res);
      return;
    }
    if (answer === 'error') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model overloaded' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const close = () =>
    new Promise<void>((r) => {
      for (const res of hanging) res.destroy();
      server.close(() => r());
      server.closeAllConnections();
    });
  servers.push(close);
  return { url, requests };
}

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stopAgentServices();
  for (const close of servers.splice(0)) await close();
});

const logger = pino({ level: 'silent' });
const agent = { name: 'alice', role: 'frontend-developer' };

describe('LLM responder', () => {
  it('answers from the endpoint with the agent role and recent messages as context', async () => {
    const llm = await fakeCompletions(() => 'Use a CSS grid with two columns, @carol.');
    const responder = new LlmResponder({ baseURL: llm.url, apiKey: 'k', model: 'tiny-model', logger });

    const text = await responder.answer({
      agent,
      from: 'carol',
      text: '@alice how should the login page be laid out?',
      intent: 'question',
      history: [
        { sender: 'carol', text: 'we need a login page' },
        { sender: 'alice', text: 'sounds good' },
      ],
      seed: 1,
    });

    expect(text).toBe('Use a CSS grid with two columns, @carol.');
    const [request] = llm.requests;
    expect(request?.model).toBe('tiny-model');
    expect(request?.messages[0]).toMatchObject({ role: 'system' });
    expect(request?.messages[0]?.content).toContain('alice, a frontend developer');
    expect(request?.messages.slice(1, 3)).toEqual([
      { role: 'user', content: 'carol: we need a login page' },
      { role: 'assistant', content: 'sounds good' },
    ]);
    expect(request?.messages.at(-1)?.content).toContain('how should the login page be laid out?');
    expect(responder.fallbacks).toBe(0);
  });

  it('falls back to the deterministic reply when the endpoint fails', async () => {
    const llm = await fakeCompletions(() => 'error');
    const responder = new LlmResponder({ baseURL: llm.url, model: 'tiny-model', logger });
    const text = await responder.suggest({
      agent: { name: 'bob', role: 'designer' },
      stuckAgent: 'alice',
      task: 'fix the CSS',
      text: "I'm stuck with this CSS issue, any ideas?",
      matches: ['css'],
      history: [],
      seed: 0,
    });
    expect(text).toMatch(/^@alice .*CSS.*devtools/);
    expect(responder.fallbacks).toBe(1);
  });

  it('falls back when the endpoint does not answer in time', async () => {
    const llm = await fakeCompletions(() => 'hang');
    const responder = new LlmResponder({ baseURL: llm.url, model: 'tiny-model', logger, timeoutMs: 200 });
    const text = await responder.answer({
      agent,
      from: 'carol',
      text: 'hi',
      intent: 'smalltalk',
      history: [],
      seed: 0,
    });
    expect(text).toMatch(/^(Hi|Hello) @carol!/);
    expect(responder.fallbacks).toBe(1);
  });

  it('is used for mentions when OPENAI_BASE_URL and AGENT_MODEL are set; acknowledgements stay instant', async () => {
    const llm = await fakeCompletions((body) =>
      body.messages.at(-1)?.content.includes('favourite colour') ? 'Teal, @carol.' : 'unexpected',
    );
    const services = await agentServices({ OPENAI_BASE_URL: llm.url, AGENT_MODEL: 'tiny-model' });
    await hire(services, 'alice', 'designer');

    const question = await say(services, 'carol', "@alice what's your favourite colour?");
    const reply = await waitForMessage(services, (m) => m.sender === 'alice' && m.replyTo === question.id);
    expect(reply.text).toBe('Teal, @carol.');
    const task = await say(services, 'carol', '@alice please design the logo');
    const ack = await waitForMessage(services, (m) => m.sender === 'alice' && m.threadRoot === task.id);
    expect(ack.text).toMatch(/I'll design the logo/);
    expect(llm.requests).toHaveLength(1);
    expect((await callerFor(services).communication.stats()).agents?.responder).toBe('llm');
  });
});
