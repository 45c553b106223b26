// What each slash command of the shared table (src/shared/commands.ts) does in the chat: one handler per name,
// carried out through the typed API and answered with the notice to show. A command added to the table does not
// compile until it has a handler here, and a handler without a command in the table does not either.
import { type CommandName, commandUsage, helpText } from '../../../shared/commands';
import { resolveCommand } from '../../../shared/parse';
import { errorText } from '../../lib/chat-connection';
import type { ChatClient } from '../../trpc';

type Api = ChatClient['trpc'];

/** The words after the name are not what the command takes: answered with the usage line from the table. */
class UsageError extends Error {}

/** Carries out a command with the words after its name (at least the table's minArgs); resolves to the notice. */
type CommandHandler = (args: string[], api: Api) => Promise<string>;

export const COMMAND_HANDLERS = {
  help: async (_args, api) => helpText(await api.chat.commands.query()),
  hire: async ([name = '', ...role], api) => {
    const hired = await api.employees.hire.mutate({ name, role: role.join(' ') });
    return `Hired ${hired.name} (${hired.role}).`;
  },
  fire: async ([name = ''], api) => {
    await api.employees.fire.mutate({ name });
    return `Fired ${name}.`;
  },
  task: async ([employee = '', ...words], api) => {
    const { task, ahead } = await api.tasks.assign.mutate({ employee, description: words.join(' ') });
    return `Task #${task.id} for ${task.employee}: ${task.description}${ahead ? ` (${ahead} ahead in the queue)` : ''}`;
  },
  stop: async ([employee = ''], api) => {
    const task = await api.tasks.stop.mutate({ employee });
    return `Stopping ${employee}: ${task.description}`;
  },
  transport: async ([transport], api) => {
    if (transport !== 'websocket' && transport !== 'telegram') throw new UsageError();
    return `Transport is now ${(await api.communication.switch.mutate({ transport })).type}.`;
  },
} satisfies Record<CommandName, CommandHandler>;

type CommandOutcome = { ok: true; notice: string } | { ok: false; error: string };

/** Runs `text` when it is a command of the table; null means "not ours: send it as a message". */
export async function runSlashCommand(text: string, api: Api): Promise<CommandOutcome | null> {
  const resolved = resolveCommand(text);
  if (!resolved) return null;
  if (!resolved.ok) return { ok: false, error: resolved.error };
  // resolveCommand only finds names of the table, which are the keys of the handlers.
  const handler: CommandHandler = COMMAND_HANDLERS[resolved.command.name as CommandName];
  try {
    return { ok: true, notice: await handler(resolved.args, api) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: `usage: ${commandUsage(resolved.command)}` };
    return { ok: false, error: errorText(error) };
  }
}
