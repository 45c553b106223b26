// The slash commands the composer offers: the one shared table (src/shared/commands.ts), narrowed to what the
// signed-in person may use. components/Chat/slash-commands.ts carries them out through the typed API; any other
// `/word` is sent as a message (the server marks it as a command).
import { type CommandSpec, commandsFor } from '../../shared/commands';
import type { Me } from './identity';

export function offeredCommands(me: Pick<Me, 'role'> | null | undefined): CommandSpec[] {
  return commandsFor(me?.role);
}
