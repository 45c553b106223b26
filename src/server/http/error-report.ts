// What every endpoint does with a failed call: count it by tRPC code; a failure of ours (INTERNAL_SERVER_ERROR,
// never a client's mistake) is also counted in the health counters and logged.
import type { TRPCError } from '@trpc/server';
import type { Services } from '../services';

export function reportError(
  services: Services,
  error: { code: TRPCError['code'] },
  detail: { err: unknown; path?: string },
  message: string,
): void {
  services.metrics.recordError(error.code);
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  services.counters.errors += 1;
  services.logger.error(detail, message);
}
