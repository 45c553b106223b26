// The one table of slash commands: parsing (parse.ts), the client's `/` suggestions and running them, and the
// /help answer (chat.commands on the server) all read it, so a command cannot work without being listed.

/** Who may use a command. The server checks again on the procedure the command calls. */
export type CommandAccess = 'everyone' | 'admin';

export interface CommandSpec {
  name: string;
  /** Arguments as shown to people, e.g. `<name> <role…>`; empty for none. */
  args: string;
  /** How many words must follow the name, at least. */
  minArgs: number;
  description: string;
  access: CommandAccess;
}

export const COMMANDS = [
  { name: 'help', args: '', minArgs: 0, description: 'list the commands you can use', access: 'everyone' },
  {
    name: 'hire',
    args: '<name> <role…>',
    minArgs: 2,
    description: 'hire an AI employee with a role, e.g. /hire ada developer',
    access: 'admin',
  },
  { name: 'fire', args: '<name>', minArgs: 1, description: 'fire an AI employee', access: 'admin' },
  {
    name: 'task',
    args: '<agent> <what to do…>',
    minArgs: 2,
    description: 'give an agent a task, e.g. /task ada fix the login test',
    access: 'everyone',
  },
  {
    name: 'stop',
    args: '<agent>',
    minArgs: 1,
    description: "stop an agent's current task (one you gave it, or any as an admin)",
    access: 'everyone',
  },
  {
    name: 'transport',
    args: 'websocket|telegram',
    minArgs: 1,
    description: 'switch the active transport',
    access: 'admin',
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];

export function findCommand(name: string): CommandSpec | undefined {
  const lower = name.toLowerCase();
  return COMMANDS.find((c) => c.name === lower);
}

export function commandUsage(command: Pick<CommandSpec, 'name' | 'args'>): string {
  return command.args ? `/${command.name} ${command.args}` : `/${command.name}`;
}

/** The commands someone with `role` may use (admins: all). */
export function commandsFor(role: 'user' | 'admin' | null | undefined): CommandSpec[] {
  return COMMANDS.filter((c) => c.access === 'everyone' || role === 'admin');
}

/** The /help answer: one line per command the reader may use. */
export function helpText(commands: readonly Pick<CommandSpec, 'name' | 'args' | 'description'>[]): string {
  return commands.map((c) => `${commandUsage(c)} — ${c.description}`).join('\n');
}
