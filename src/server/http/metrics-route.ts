// GET /metrics: the Prometheus text exposition (keep it off the public internet; deploy/nginx.conf does).
import type { ServerResponse } from 'node:http';
import type { Services } from '../services';

export const METRICS_PATH = '/metrics';

export function serveMetrics(services: Services, res: ServerResponse): void {
  services.metrics.render().then(
    (body) => {
      res.writeHead(200, { 'content-type': services.metrics.contentType, 'cache-control': 'no-store' });
      res.end(body);
    },
    (error) => {
      services.logger.error({ err: error }, 'metrics collection failed');
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed');
    },
  );
}
