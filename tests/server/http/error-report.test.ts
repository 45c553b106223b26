// reportError: what the tRPC HTTP, tRPC WebSocket and REST endpoints do with a failed call.
import { Writable } from 'node:stream';
import { TRPCError } from '@trpc/server';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/server/app';
import { reportError } from '../../../src/server/http/error-report';
import type { Services } from '../../../src/server/services';
import { testConfig } from '../../helpers/services';

function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

let services: Services | null = null;
afterEach(async () => {
  await services?.transports.stop();
  await services?.repo.close();
  services = null;
});

async function servicesLogging(): Promise<{ services: Services; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  services = await createServices(testConfig(), { logger: pino({ level: 'info' }, sink) });
  return { services, lines };
}

describe('reportError', () => {
  it("counts a client's mistake by code and neither logs it nor counts it as ours", async () => {
    const { services, lines } = await servicesLogging();
    const error = new TRPCError({ code: 'BAD_REQUEST', message: 'text is empty' });
    const before = lines.length;

    reportError(services, error, { err: error, path: 'chat.send' }, 'tRPC HTTP procedure failed');

    expect(sample(await services.metrics.render(), 'ocs_errors_total{code="BAD_REQUEST"}')).toBe(1);
    expect(services.counters.errors).toBe(0);
    expect(lines.slice(before).filter((l) => l.level === 50)).toEqual([]);
  });

  it('counts and logs a failure of ours (INTERNAL_SERVER_ERROR) with the procedure path', async () => {
    const { services, lines } = await servicesLogging();
    const error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'disk on fire' });
    const before = lines.length;

    reportError(services, error, { err: error, path: 'chat.history' }, 'tRPC WebSocket procedure failed');

    expect(sample(await services.metrics.render(), 'ocs_errors_total{code="INTERNAL_SERVER_ERROR"}')).toBe(1);
    expect(services.counters.errors).toBe(1);
    const errors = lines.slice(before).filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'tRPC WebSocket procedure failed', path: 'chat.history' });
    expect(errors[0]?.err).toMatchObject({ message: 'disk on fire' });
  });
});
