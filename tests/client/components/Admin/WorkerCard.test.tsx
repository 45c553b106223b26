// @vitest-environment happy-dom
// Admin → Agents (WorkerCard): the coding agent's state, version, models and the last error (what chat users are not told).
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerDetails, type WorkerView } from '../../../../src/client/components/Admin/WorkerCard';

afterEach(cleanup);

const opencode: NonNullable<WorkerView['opencode']> = {
  state: 'ready',
  attached: false,
  version: '1.18.33',
  models: ['mock/scripted', 'mock/silent'],
  defaultModel: 'mock/scripted',
  lastError: null,
  startMs: 1400,
};

describe('Admin agents card', () => {
  it('shows opencode ready with its version, start time and models', () => {
    const { getByTestId, queryByRole } = render(<WorkerDetails worker={{ mode: 'opencode', opencode }} />);
    const text = getByTestId('agents-worker').textContent;
    expect(text).toContain('ready · 1.18.33 · started in 1.4 s');
    expect(text).toContain('mock/scripted, mock/silent (default mock/scripted)');
    expect(queryByRole('alert')).toBeNull();
  });

  it('shows why no coding agent can run', () => {
    const down = { ...opencode, state: 'unavailable', version: null, models: [], startMs: null };
    const { getByRole } = render(
      <WorkerDetails
        worker={{ mode: 'opencode', opencode: { ...down, lastError: 'opencode is not installed' } }}
      />,
    );
    expect(getByRole('alert').textContent).toBe('opencode is not installed');
  });

  it('says when tasks run in command mode', () => {
    const { container } = render(<WorkerDetails worker={{ mode: 'command', opencode: null }} />);
    expect(container.textContent).toContain('AGENT_WORKER_COMMAND');
  });
});
