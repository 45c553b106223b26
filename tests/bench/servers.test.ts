import { describe, expect, it } from 'vitest';
import { startBaseline } from '../../bench/lib/servers';

// The 10k-connections row once waited forever: its server process had ended and the clients kept reconnecting.
// A server under test that ends before the bench stops it must fail the scenario instead.
describe('bench servers', () => {
  it('reports a server process that ends during a scenario', async () => {
    const server = await startBaseline();
    process.kill(server.pid, 'SIGKILL');
    await expect(server.died).rejects.toThrow(/server process ended during the scenario \(SIGKILL\)/);
    await server.stop();
  });

  it('does not report a server the bench stops itself', async () => {
    const server = await startBaseline();
    let died = false;
    server.died.catch(() => {
      died = true;
    });
    await server.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(died).toBe(false);
  });
});
