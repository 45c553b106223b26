import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/shared/activity';
import { tempDir } from '../../helpers/server';
import { agentServices, callerFor, stopAgentServices } from '../agents/helpers';

afterEach(stopAgentServices);

const admin = { id: 'boss', role: 'admin' as const };
const user = { id: 'carol', role: 'user' as const };

describe('employees router', () => {
  it('hires, lists with status and expertise, and fires', async () => {
    const services = await agentServices();
    const hired = await callerFor(services, admin).employees.hire({ name: 'Alice', role: 'FS-developer' });
    expect(hired).toMatchObject({
      name: 'alice',
      role: 'FS-developer',
      smartness: 'normal',
      hiredBy: 'boss',
    });
    expect(hired.status).toBe('idle');
    expect(hired.expertise).toContain('css');
    expect(hired.expertise).toContain('api');
    await callerFor(services, admin).employees.hire({ name: 'bob', role: 'devops', smartness: 'smart' });

    expect((await callerFor(services, user).employees.list()).map((e) => [e.name, e.status])).toEqual([
      ['alice', 'idle'],
      ['bob', 'idle'],
    ]);
    expect(await callerFor(services, admin).employees.fire({ name: 'ALICE' })).toEqual({
      name: 'alice',
      cancelledTasks: 0,
      stoppedTask: null,
    });
    expect((await callerFor(services, user).employees.list()).map((e) => e.name)).toEqual(['bob']);
  });

  it('persists employees across a restart on the same database', async () => {
    const env = { DATABASE_URL: join(tempDir(), 'chat.db') };
    const first = await agentServices(env);
    await callerFor(first, admin).employees.hire({ name: 'alice', role: 'tester' });
    await first.agents.stop();
    await first.repo.close();

    const second = await agentServices(env);
    expect((await callerFor(second, user).employees.list()).map((e) => [e.name, e.role])).toEqual([
      ['alice', 'tester'],
    ]);
  });

  it('appears in presence with its status, and announces hire and fire as activity', async () => {
    const services = await agentServices();
    const events: ActivityEvent[] = [];
    services.hub.onEvent((e) => {
      if (e.type === 'activity') events.push(e.activity);
    });
    await callerFor(services, admin).employees.hire({ name: 'alice', role: 'designer' });
    expect(await callerFor(services, user).presence.list()).toContainEqual(
      expect.objectContaining({
        name: 'alice',
        kind: 'agent',
        online: true,
        status: 'idle',
        role: 'designer',
      }),
    );
    await callerFor(services, admin).employees.fire({ name: 'alice' });
    expect((await callerFor(services, user).presence.list()).some((p) => p.name === 'alice')).toBe(false);
    expect(
      events.filter((e) => e.type === 'agent-status').map((e) => e.type === 'agent-status' && e.status),
    ).toEqual(['idle', 'offline']);
  });

  it('rejects duplicate names case-insensitively and writes nothing', async () => {
    const services = await agentServices();
    await callerFor(services, admin).employees.hire({ name: 'alice', role: 'developer' });
    await expect(
      callerFor(services, admin).employees.hire({ name: 'ALICE', role: 'tester' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'an employee named alice already exists; pick another name or fire alice first',
    });
    expect((await callerFor(services, user).employees.list()).map((e) => e.role)).toEqual(['developer']);
  });

  it.each([
    ['a', 'name must be 2-32 characters'],
    ['x'.repeat(33), 'name must be 2-32 characters'],
    ['al ice', 'name may only use letters, digits'],
    ['alice!', 'name may only use letters, digits'],
    ['-alice', 'name must start and end with a letter or digit'],
    ['alice-bot', 'name must not end in -bot'],
    ['team', 'name is reserved'],
  ])('rejects the name %j with a clear message', async (name, message) => {
    const services = await agentServices();
    await expect(
      callerFor(services, admin).employees.hire({ name, role: 'developer' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining(message),
    });
    expect(await callerFor(services, user).employees.list()).toEqual([]);
  });

  it('rejects an empty role and an unknown smartness', async () => {
    const services = await agentServices();
    await expect(
      callerFor(services, admin).employees.hire({ name: 'alice', role: ' ' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('role is empty'),
    });
    await expect(
      callerFor(services, admin).employees.hire({
        name: 'alice',
        role: 'dev',
        smartness: 'genius' as 'smart',
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('smartness must be one of'),
    });
  });

  it('lets only admins hire and fire', async () => {
    const services = await agentServices();
    await expect(
      callerFor(services, user).employees.hire({ name: 'alice', role: 'dev' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await callerFor(services, admin).employees.hire({ name: 'alice', role: 'dev' });
    await expect(callerFor(services, user).employees.fire({ name: 'alice' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(services, null).employees.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('fires an unknown employee with NOT_FOUND', async () => {
    const services = await agentServices();
    await expect(callerFor(services, admin).employees.fire({ name: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'there is no employee named ghost; hire one first (employees.hire)',
    });
  });
});
