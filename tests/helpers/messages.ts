// A message as the hub hands it to a repository, for storage tests.
import type { NewMessage } from '../../src/server/db/repository';

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
