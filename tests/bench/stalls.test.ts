import { describe, expect, it } from 'vitest';
import type { ProbeSlice } from '../../bench/lib/probe.mjs';
import { explainSlowest, stepsIn } from '../../bench/lib/stalls';

// A flagged bench round (max > 10x p99) is explained from the probes' slices: these are the rules that pick the
// cause, on slices shaped as the probe writes them.
const T = 1_800_000_000_000;
const slice = (over: Partial<ProbeSlice> & { t: number }): ProbeSlice => ({
  th: 0,
  loop: 10,
  gc: [],
  tx: [0, 0, 0, 0],
  ckpt: [],
  ...over,
});
const quietClient = stepsIn([slice({ t: T })], T, T + 300);

describe('explaining a flagged round', () => {
  it('blames a long commit in the writer thread while the slowest delivery was under way', () => {
    const server = stepsIn(
      [slice({ t: T, loop: 11 }), slice({ t: T + 100, th: 2, tx: [3, 190, 180, T + 120] })],
      T + 110,
      T + 310,
    );
    expect(server.txMax).toBe(180);
    expect(server.txOffMain).toBe(true);
    expect(explainSlowest(200, 5, server, quietClient).cause).toMatch(
      /SQLite commit of 180 ms in the writer thread/,
    );
  });

  it('blames a server GC pause, and ignores GC outside the window', () => {
    const server = stepsIn(
      [
        slice({
          t: T,
          loop: 95,
          gc: [
            [T + 10, 90, 4],
            [T + 95, 2, 1],
          ],
        }),
        slice({ t: T - 500, gc: [[T - 450, 400, 4]] }),
      ],
      T + 5,
      T + 120,
    );
    expect(server.gcMax).toBe(90);
    expect(server.gcMs).toBe(92);
    expect(explainSlowest(100, 4, server, quietClient).cause).toMatch(
      /server GC pause \(mark-compact\) of 90 ms/,
    );
  });

  it('says the process was not running when its loop stalled without GC or commit', () => {
    const server = stepsIn([slice({ t: T, loop: 240 })], T, T + 100);
    expect(explainSlowest(250, 6, server, quietClient).cause).toMatch(
      /server's event loop blocked 240 ms with no GC/,
    );
  });

  it('says so when no measured step accounts for the time', () => {
    const server = stepsIn([slice({ t: T, loop: 12 })], T, T + 100);
    expect(explainSlowest(250, 6, server, quietClient).cause).toMatch(/none of the measured steps/);
  });
});
