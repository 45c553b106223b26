// Message fixtures: as the hub hands one to a repository (storage tests), and as it is committed and delivered.
import type { NewMessage } from '../../src/server/db/repository';
import type { Message } from '../../src/shared/message';

export const newMessage = (text: string, replyTo: number | null = null): NewMessage => ({
  text,
  sender: 'alice',
  senderKind: 'user',
  mentions: [],
  isCommand: false,
  command: null,
  commandArgs: [],
  replyTo,
  origin: 'api',
  clientId: null,
});

/** A committed message from alice over the web client; `over` sets any field. */
export const message = (over: Partial<Message> = {}): Message => ({
  ...newMessage('hi'),
  id: 1,
  origin: 'websocket',
  createdAt: '2026-01-01T00:00:00.000Z',
  clientId: null,
  ...over,
});
