// Slash commands offered by the `/` autocomplete. ChatInterface carries these out through the typed API; any
// other text starting with `/` is sent as a message (the server marks it as a command).
import type { Command } from './autocomplete';

export const COMMANDS: Command[] = [
  { name: 'help', usage: '/help', description: 'list the commands' },
  {
    name: 'transport',
    usage: '/transport websocket|telegram',
    description: 'switch the active transport (admin)',
  },
];
