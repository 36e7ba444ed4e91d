/**
 * The gateway's Prometheus metrics (`GET /metrics`): LiteLLM's request, deployment and budget metrics,
 * filled by a gateway finish listener (`finish`), and Node's process metrics (prom-client's defaults).
 * One registry per gateway, so tests can run several.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { RequestRecord } from '../gateway/record.ts';
import { BudgetGauges, type BudgetSource } from './budget-gauges.ts';
import { litellmExposition } from './exposition.ts';
import { RequestMetrics, type RequestMetricsOptions } from './request-metrics.ts';

export interface MetricsOptions extends RequestMetricsOptions {
  /** Virtual keys' accounts, for the budget gauges; none without virtual keys. */
  budgets?: BudgetSource;
  /** Node's process metrics (CPU, memory, event loop lag, …); on unless false. */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #requests: RequestMetrics;
  readonly #budgets: BudgetGauges | undefined;

  constructor(options: MetricsOptions) {
    this.#requests = new RequestMetrics(options);
    for (const metric of this.#requests.all()) this.registry.registerMetric(metric);
    this.#budgets = options.budgets ? new BudgetGauges(options.budgets, this.registry) : undefined;
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The gateway finish listener: never throws (a metric must not break a request's other listeners). */
  finish(record: RequestRecord): void {
    try {
      this.#requests.record(record);
      this.#budgets?.touch(record.caller);
    } catch {
      // A record the metrics cannot read is left out of them.
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, budgets read fresh. */
  async scrape(): Promise<string> {
    await this.#budgets?.refresh();
    return litellmExposition(await this.registry.metrics());
  }
}
