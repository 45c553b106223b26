import { describe, expect, it } from 'vitest';
import { callerFor, createTestServices } from '../../helpers/services';

const admin = { id: 'root', role: 'admin' as const };

describe('audit log of admin actions', () => {
  it('records communication.switch with actor, target and outcome', async () => {
    const services = await createTestServices();
    await callerFor(services, admin).communication.switch({ transport: 'websocket' });

    const { entries } = await callerFor(services, admin).audit.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'root',
      action: 'communication.switch',
      target: 'websocket',
      details: { transport: 'websocket' },
      outcome: 'ok',
      error: null,
    });
    expect(Date.parse(entries[0]?.at ?? '')).not.toBeNaN();
  });

  it('records a refused switch as an error without changing the refusal', async () => {
    const services = await createTestServices();
    await expect(
      callerFor(services, admin).communication.switch({ transport: 'telegram' }),
    ).rejects.toMatchObject({ code: expect.any(String) });

    const { entries } = await callerFor(services, admin).audit.list({ action: 'communication.switch' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: 'telegram', outcome: 'error' });
    expect(entries[0]?.error).toMatch(/telegram/);
  });

  it('does not record an action a non-admin was refused', async () => {
    const services = await createTestServices();
    await expect(
      callerFor(services, { id: 'bob', role: 'user' }).communication.switch({ transport: 'websocket' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await callerFor(services, admin).audit.list()).entries).toEqual([]);
  });

  it('is readable by admins only', async () => {
    const services = await createTestServices();
    await expect(callerFor(services, { id: 'bob', role: 'user' }).audit.list()).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(callerFor(services, null).audit.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('pages newest first and filters by actor', async () => {
    const services = await createTestServices();
    for (let i = 0; i < 5; i++) {
      await services.audit.record({
        actor: i % 2 ? 'ann' : 'root',
        action: 'employees.hire',
        target: `e${i}`,
      });
    }
    const caller = callerFor(services, admin);
    const first = await caller.audit.list({ limit: 2 });
    expect(first.entries.map((e) => e.target)).toEqual(['e4', 'e3']);
    const second = await caller.audit.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.entries.map((e) => e.target)).toEqual(['e2', 'e1']);
    const last = await caller.audit.list({ limit: 2, cursor: second.nextCursor ?? undefined });
    expect(last).toMatchObject({ entries: [{ target: 'e0' }], nextCursor: null });
    const ann = await caller.audit.list({ actor: 'ann' });
    expect(ann.entries.map((e) => e.target)).toEqual(['e3', 'e1']);
  });

  it('records hiring, firing and stopping a task, refused ones included', async () => {
    const services = await createTestServices();
    const caller = callerFor(services, admin);
    await caller.employees.hire({ name: 'ada', role: 'developer', smartness: 'normal' });
    // Nothing is running: the stop is refused, and that attempt is on record too.
    await expect(caller.tasks.stop({ employee: 'ada' })).rejects.toThrow();
    await caller.employees.fire({ name: 'ada' });

    const { entries } = await caller.audit.list();
    expect(entries.map((e) => [e.action, e.target, e.outcome, e.actor])).toEqual([
      ['employees.fire', 'ada', 'ok', 'root'],
      ['tasks.stop', 'ada', 'error', 'root'],
      ['employees.hire', 'ada', 'ok', 'root'],
    ]);
    expect(entries[2]?.details).toEqual({ name: 'ada', role: 'developer', smartness: 'normal' });
    await services.agents.stop();
  });
});
