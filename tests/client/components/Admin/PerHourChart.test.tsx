// @vitest-environment happy-dom
// The messages-per-hour chart: one bar per hour, heights relative to the busiest hour, a readable label.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PerHourChart, yTicks } from '../../../../src/client/components/Admin/PerHourChart';
import { partitionUsers } from '../../../../src/client/components/Chat/UserList';

afterEach(cleanup);

describe('PerHourChart', () => {
  it('draws a bar per hour scaled to the busiest one', () => {
    const perHour = [0, 5, 10].map((count, i) => ({ hour: `2026-01-01T0${i}:00:00.000Z`, count }));
    const { getByTestId } = render(<PerHourChart perHour={perHour} height={100} />);
    const chart = getByTestId('per-hour-chart');
    const heights = [...chart.querySelectorAll('rect')].map((r) => Number(r.getAttribute('height')));
    expect(heights).toEqual([0, 50, 100]);
    expect(chart.getAttribute('aria-label')).toBe(
      'Messages per hour, last 3 hours: 15 in total, at most 10 in one hour',
    );
  });
});

describe('PerHourChart axes (issue 14: the chart had no axes or values)', () => {
  it('labels the y axis with round counts up to the busiest hour, and each non-empty bar with its count', () => {
    const perHour = [0, 3, 7].map((count, i) => ({ hour: `2026-01-01T0${i}:00:00.000Z`, count }));
    const { getAllByTestId } = render(<PerHourChart perHour={perHour} />);
    expect(getAllByTestId('chart-y-tick').map((t) => t.textContent)).toEqual(['0', '2', '4', '6', '8']);
    expect(getAllByTestId('chart-value').map((t) => t.textContent)).toEqual(['3', '7']);
    expect(getAllByTestId('chart-x-tick').length).toBeGreaterThan(0);
  });

  it('picks tick steps of 1, 2 or 5 times a power of ten', () => {
    expect(yTicks(0)).toEqual([0, 1]);
    expect(yTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yTicks(10)).toEqual([0, 5, 10]);
    expect(yTicks(950)).toEqual([0, 500, 1000]);
    expect(yTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });
});

describe('partitionUsers', () => {
  it('splits people online, agents, and people offline, each sorted by name', () => {
    const users = [
      { name: 'zed', kind: 'user' as const, online: true, connections: 1, since: '' },
      { name: 'bob', kind: 'user' as const, online: false, connections: 0, since: '' },
      {
        name: 'ada',
        kind: 'agent' as const,
        online: true,
        connections: 0,
        since: '',
        status: 'working' as const,
      },
      { name: 'amy', kind: 'user' as const, online: true, connections: 2, since: '' },
    ];
    const { online, agents, offline } = partitionUsers(users);
    expect(online.map((u) => u.name)).toEqual(['amy', 'zed']);
    expect(agents.map((u) => u.name)).toEqual(['ada']);
    expect(offline.map((u) => u.name)).toEqual(['bob']);
  });
});
