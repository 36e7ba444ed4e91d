/**
 * `GET /metrics`: the gateway's Prometheus metrics (metrics/ fills them). Open by default, as LiteLLM's
 * is, so Prometheus scrapes it without a key; with `require_auth_for_metrics_endpoint` it asks for one,
 * and any virtual key will do, as in LiteLLM.
 */
import type { FastifyInstance } from 'fastify';
import { KEYS } from '../principal.ts';

/** What the route needs of the metrics (metrics/metrics.ts's `Metrics`). */
export interface MetricsSource {
  readonly contentType: string;
  scrape(): Promise<string>;
}

export const METRICS_ROUTES: ReadonlySet<string> = new Set(['/metrics']);

export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsSource): void {
  app.get('/metrics', KEYS, async (_request, reply) =>
    reply
      .type(metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.scrape()),
  );
}
