// GET /metrics: the Prometheus text exposition, for operators only (admins, a scraper with METRICS_TOKEN as its
// Bearer token, or open mode on this machine); deploy/nginx.conf also keeps it off the public internet.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services';
import { createHTTPContext } from '../trpc/context';

export const METRICS_PATH = '/metrics';

export async function serveMetrics(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ctx = await createHTTPContext(services, req);
  if (!ctx.operator) {
    const signedIn = ctx.user !== null;
    const body = !services.config.AUTH_SECRET
      ? 'metrics are served to this machine directly, or with Authorization: Bearer <METRICS_TOKEN>'
      : signedIn
        ? 'metrics are for admins or the scrape token (METRICS_TOKEN)'
        : 'metrics need Authorization: Bearer <METRICS_TOKEN or an admin token>';
    res
      .writeHead(signedIn ? 403 : 401, {
        'content-type': 'text/plain; charset=utf-8',
        ...(signedIn ? {} : { 'www-authenticate': 'Bearer realm="metrics"' }),
      })
      .end(body);
    return;
  }
  try {
    const body = await services.metrics.render();
    res.writeHead(200, { 'content-type': services.metrics.contentType, 'cache-control': 'no-store' });
    res.end(body);
  } catch (error) {
    services.logger.error({ err: error }, 'metrics collection failed');
    res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed');
  }
}
