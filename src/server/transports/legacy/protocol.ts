// The old WebSocket server's JSON frames: reading what old clients send, writing what they expect.
import type { ActivityEvent } from '../../../shared/activity';
import type { Message } from '../../../shared/message';
import { markdownToPlain } from '../markdown';

export type LegacyFrame = Record<string, unknown> & { type: string };

export type Parsed = { ok: true; frame: LegacyFrame } | { ok: false; error: string };

export function parseFrame(raw: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'a frame must be a JSON object with a "type"' };
  const type = (value as Record<string, unknown>).type;
  if (typeof type !== 'string' || type === '')
    return { ok: false, error: 'a frame needs a "type" (auth, chat_message, typing or ping)' };
  return { ok: true, frame: value as LegacyFrame };
}

/** Old clients put fields at the top level or nested under `data`; the top level wins. */
export function field(frame: LegacyFrame, ...names: string[]): unknown {
  const data =
    typeof frame.data === 'object' && frame.data !== null ? (frame.data as Record<string, unknown>) : {};
  for (const name of names) if (frame[name] !== undefined) return frame[name];
  for (const name of names) if (data[name] !== undefined) return data[name];
  return undefined;
}

const now = () => new Date().toISOString();

export const errorFrame = (message: string, code = 'bad_request') => ({
  type: 'error',
  message,
  data: { code, message },
  timestamp: now(),
});

export const pongFrame = () => ({ type: 'pong', timestamp: now() });

/**
 * `text` is what a reader sees (old clients show it as it is); `markdown` is the source, for a client that renders
 * Markdown. Mentions and commands keep their place in both.
 */
export function chatMessageFrame(message: Message) {
  return {
    type: 'chat_message',
    data: {
      id: message.id,
      text: markdownToPlain(message.text),
      markdown: message.text,
      sender: message.sender,
      timestamp: message.createdAt,
      mentions: message.mentions,
      is_command: message.isCommand,
      command: message.command,
      command_args: message.commandArgs,
      reply_to: message.replyTo,
      is_bot_message: message.senderKind !== 'user',
    },
  };
}

/** Typing and presence as the old server sent them; agent status counts as a user status. */
export function activityFrame(event: ActivityEvent) {
  switch (event.type) {
    case 'typing':
      return {
        type: 'typing',
        data: { user_id: event.user, is_typing: event.isTyping, timestamp: event.at },
      };
    case 'presence':
      return {
        type: 'user_status',
        data: {
          user_id: event.user,
          status: event.online ? 'online' : 'offline',
          kind: event.kind,
          timestamp: event.at,
        },
      };
    case 'agent-status':
      return {
        type: 'user_status',
        data: {
          user_id: event.agent,
          status: event.status,
          kind: 'agent',
          task: event.task,
          timestamp: event.at,
        },
      };
  }
}
