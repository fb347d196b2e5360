// Counts every HTTP request by route pattern (never the raw URL, which would carry ids and
// explode the label set), method and status.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) });
  });
}
