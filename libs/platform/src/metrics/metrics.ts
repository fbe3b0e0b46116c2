import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for /metrics. Labels are bounded: the route family (never the raw path, which
 * holds tenant names and digests), the method and the status class.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'drydock_http_requests_total',
    help: 'HTTP requests by route family, method and status class',
    labelNames: ['family', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'drydock_http_request_duration_seconds',
    help: 'HTTP request duration by route family',
    labelNames: ['family'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'drydock_' });
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.httpDuration.startTimer({ family: routeFamily(req.path) });
      res.on('finish', () => {
        end();
        this.httpRequests.inc({
          family: routeFamily(req.path),
          method: req.method,
          status: `${Math.floor(res.statusCode / 100)}xx`,
        });
      });
      next();
    };
  }
}

export function routeFamily(path: string): string {
  if (path.startsWith('/v2/')) {
    if (path.includes('/blobs/uploads')) return 'registry_upload';
    if (path.includes('/blobs/')) return 'registry_blob';
    if (path.includes('/manifests/')) return 'registry_manifest';
    return 'registry_other';
  }
  if (path === '/auth/token') return 'registry_token';
  if (path.startsWith('/api/v1/'))
    return `api_${path.split('/')[3] ?? 'root'}`.replace(/[^a-z_]/g, '_').slice(0, 40);
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path.slice(1);
  return 'portal';
}
