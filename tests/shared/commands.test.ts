// The one command table (issue 14): it drives parsing, the `/` suggestions and the /help answer, so every command
// that works is offered and explained, and one that is not in the table is none of them.
import { describe, expect, it } from 'vitest';
import { commandSuggestions } from '../../src/client/lib/autocomplete';
import { offeredCommands } from '../../src/client/lib/commands';
import { COMMANDS, commandsFor, commandUsage, helpText } from '../../src/shared/commands';
import { parseCommand, resolveCommand } from '../../src/shared/parse';
import { callerFor, createTestServices } from '../helpers/services';

const names = (list: readonly { name: string }[]) => list.map((c) => c.name);

describe('the command table', () => {
  it('holds every command the chat carries out, each with its arguments, description and who may use it', () => {
    expect(names(COMMANDS)).toEqual(['help', 'hire', 'fire', 'task', 'stop', 'transport']);
    for (const command of COMMANDS) {
      expect(command.description.length).toBeGreaterThan(5);
      expect(['everyone', 'admin']).toContain(command.access);
      expect(command.args.split(' ').filter(Boolean).length).toBeGreaterThanOrEqual(command.minArgs);
    }
  });

  it('lets admins use all commands and people the ones for everyone', () => {
    expect(names(commandsFor('admin'))).toEqual(names(COMMANDS));
    expect(names(commandsFor('user'))).toEqual(['help', 'task', 'stop']);
  });
});

describe('parsing reads the table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('resolves /%s with its words', (_name, command) => {
    const words = ['ada', 'developer', 'and', 'more'];
    const resolved = resolveCommand(`/${command.name.toUpperCase()} ${words.join(' ')}`);
    expect(resolved).toEqual({ ok: true, command, args: words });
  });

  it('answers a command with too few words with the usage line from the table', () => {
    expect(resolveCommand('/hire ada')).toMatchObject({ ok: false, error: 'usage: /hire <name> <role…>' });
    expect(resolveCommand('/task')).toMatchObject({ ok: false, error: 'usage: /task <agent> <what to do…>' });
  });

  it('leaves a /word the table does not know to be sent as a message, still marked as a command', () => {
    expect(resolveCommand('/answer 42')).toBeNull();
    expect(resolveCommand('see /help')).toBeNull();
    expect(parseCommand('/answer 42')).toMatchObject({ isCommand: true, command: 'answer' });
  });
});

describe('suggestions read the table', () => {
  it('offers every command an admin may use after a bare slash, with its usage', () => {
    const offered = commandSuggestions('', offeredCommands({ role: 'admin' }));
    expect(offered.map((s) => s.label)).toEqual(COMMANDS.map((c) => `/${c.name}`));
    expect(offered.find((s) => s.value === 'hire')?.detail).toBe(
      '/hire <name> <role…> — hire an AI employee with a role, e.g. /hire ada developer',
    );
  });

  it('does not offer admin commands to people who cannot use them', () => {
    expect(commandSuggestions('', offeredCommands({ role: 'user' })).map((s) => s.value)).toEqual([
      'help',
      'task',
      'stop',
    ]);
  });
});

describe('/help reads the table', () => {
  it('answers, from the server, one line per command the caller may use', async () => {
    const services = await createTestServices();
    try {
      const admin = await callerFor(services, { id: 'root', role: 'admin' }).chat.commands();
      expect(names(admin)).toEqual(names(COMMANDS));
      const text = helpText(admin);
      for (const command of COMMANDS)
        expect(text).toContain(`${commandUsage(command)} — ${command.description}`);

      const person = await callerFor(services, { id: 'pat', role: 'user' }).chat.commands();
      expect(names(person)).toEqual(['help', 'task', 'stop']);
      expect(helpText(person)).not.toContain('/hire');
    } finally {
      await services.repo.close();
    }
  });
});
