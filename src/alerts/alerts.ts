/**
 * The alert engine: evaluates each enabled rule every `frequency` minutes, keeps whether each
 * (rule, model) is firing, and on a change records it in the history and calls the rule's webhooks —
 * once when it starts firing, once when it recovers.
 */
import type { AlertDb } from './alert-db.ts';
import { DestinationPolicy, type Resolve } from './destination-policy.ts';
import { measure } from './evaluate.ts';
import { compare, type Destination, type Rule } from './rule.ts';
import { type TraceSearch, type TraceSource, traceSearchOf } from './trace-search.ts';
import { type DeliveryOptions, deliver, render, webhookDispatcher } from './webhook.ts';

export interface AlertsOptions {
  db: AlertDb;
  /** Where the rules' queries run: the embedded store, or the remote OpenObserve spans are exported to. */
  store: TraceSource;
  /** Base URL of the gateway, for `{alert_url}`. */
  baseUrl: () => string;
  tickMs?: number;
  retryDelaysMs?: readonly number[];
  /** How long each webhook try waits for an answer (3 s by default). */
  webhookTimeoutMs?: number;
  /**
   * Host names, addresses and CIDR ranges webhooks may call although they are not public
   * (`general_settings.webhook_allowed_hosts`): loopback, private, link-local, … are refused otherwise.
   */
  webhookAllowedHosts?: readonly string[];
  /** Stands in for DNS in tests. */
  resolve?: Resolve;
  log?: (message: string) => void;
}

const DEFAULT_TEMPLATE = JSON.stringify({
  alert_name: '{alert_name}',
  alert_type: '{alert_type}',
  metric: '{metric}',
  value: '{value}',
  threshold: '{threshold}',
  model: '{model}',
  alert_url: '{alert_url}',
});

export class Alerts {
  readonly #options: AlertsOptions;
  readonly #delivery: DeliveryOptions;
  readonly #search: TraceSearch;
  readonly #firing = new Set<string>();
  readonly #lastRun = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: AlertsOptions) {
    this.#options = options;
    this.#search = traceSearchOf(options.store);
    const policy = new DestinationPolicy(options.webhookAllowedHosts, options.resolve);
    this.#delivery = {
      policy,
      dispatcher: webhookDispatcher(policy),
      retryDelaysMs: options.retryDelaysMs,
      timeoutMs: options.webhookTimeoutMs,
    };
    if (options.db.unreadable.length > 0)
      options.log?.(
        `alerts.db: webhook destinations ${options.db.unreadable.join(', ')} were sealed with another master key and cannot be used: save them again`,
      );
  }

  /** Why a destination's URL is refused before any call (an address that is not public), if it is. */
  refusal(url: string): string | undefined {
    return this.#delivery.policy.refusal(url);
  }

  get db(): AlertDb {
    return this.#options.db;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#options.tickMs ?? 15_000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Evaluates the rules that are due; one tick at a time. */
  async tick(nowMs = Date.now()): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const due = this.#options.db.rules().filter((rule) => {
        const key = `${rule.org}/${rule.name}`;
        if (!rule.enabled || nowMs - (this.#lastRun.get(key) ?? 0) < rule.frequency * 60_000) return false;
        this.#lastRun.set(key, nowMs);
        return true;
      });
      // Side by side: a rule whose webhooks hang holds no other rule.
      await Promise.all(
        due.map((rule) =>
          this.evaluate(rule.org, rule, nowMs).catch((err: Error) =>
            this.#options.log?.(`alert ${rule.name} could not be evaluated: ${err.message}`),
          ),
        ),
      );
    } finally {
      this.#running = false;
    }
  }

  /** Evaluates one rule now; returns the groups firing after it. */
  async evaluate(org: string, rule: Rule, nowMs = Date.now()): Promise<string[]> {
    const rows = await measure(this.#search, org, rule, nowMs);
    const firing = rows.filter(
      (r) => r.requests >= rule.min_requests && compare(r.value, rule.operator, rule.threshold),
    );
    const firingKeys = new Set(firing.map((r) => `${org}/${rule.name}/${r.group ?? ''}`));
    for (const row of firing) {
      const key = `${org}/${rule.name}/${row.group ?? ''}`;
      if (this.#firing.has(key)) continue;
      this.#firing.add(key);
      await this.#notify(org, rule, 'firing', row.group, row.value, firing.length, firing, nowMs);
    }
    for (const key of [...this.#firing]) {
      if (!key.startsWith(`${org}/${rule.name}/`) || firingKeys.has(key)) continue;
      this.#firing.delete(key);
      const group = key.slice(`${org}/${rule.name}/`.length) || null;
      const value = rows.find((r) => r.group === group)?.value ?? 0;
      await this.#notify(org, rule, 'recovered', group, value, firing.length, firing, nowMs);
    }
    return firing.map((r) => r.group ?? '(all models)');
  }

  async #notify(
    org: string,
    rule: Rule,
    kind: 'firing' | 'recovered',
    group: string | null,
    value: number,
    count: number,
    rows: unknown[],
    nowMs: number,
  ): Promise<void> {
    const values: Record<string, string> = {
      alert_name: rule.name,
      alert_type: kind,
      alert_count: String(count),
      rows: JSON.stringify(rows),
      alert_url: `${this.#options.baseUrl()}/ui/#/models`,
      metric: rule.metric,
      value: String(Math.round(value * 1e6) / 1e6),
      threshold: String(rule.threshold),
      operator: rule.operator,
      model: group ?? rule.model ?? 'all models',
      period: String(rule.period),
      org_name: org,
      stream_name: 'default',
      alert_trigger_time: String(nowMs * 1000),
    };
    // All destinations at once: one that hangs delays none of the others.
    const outcomes = await Promise.all(
      rule.destinations.map(async (name) => {
        let destination: Destination | undefined;
        try {
          destination = this.#options.db.destination(org, name);
        } catch (err) {
          return { delivered: false, attempts: 0, error: (err as Error).message };
        }
        if (!destination) return { delivered: false, attempts: 0, error: `no destination named ${name}` };
        const body = render(rule.template ?? destination.template ?? DEFAULT_TEMPLATE, values);
        const { cause, ...outcome } = await deliver(destination, body, this.#delivery);
        if (!outcome.delivered) this.#options.log?.(`alert ${rule.name}: webhook ${name} failed: ${cause}`);
        return outcome;
      }),
    );
    const failed = outcomes.find((o) => !o.delivered);
    const outcome = {
      delivered: failed === undefined,
      attempts: Math.max(0, ...outcomes.map((o) => o.attempts)),
      error: failed?.error ?? null,
    };
    this.#options.db.record(org, { alert_name: rule.name, kind, group, value, at: nowMs, ...outcome });
  }
}
