/**
 * Fills the request and deployment metrics from a finished request's record (a gateway finish listener),
 * as LiteLLM's Prometheus integration counts them: every request (its status, and for a failure its
 * exception), an answered request's tokens, spend and latencies, each upstream call per deployment, and
 * fallbacks. A request finds its cells through one map lookup by its label values; the cells, and the
 * label objects they carry, are made once per combination of values.
 */
import type { GatewayError } from '../errors/gateway-error.ts';
import type { AttemptRecord, RequestRecord } from '../gateway/record.ts';
import { BoundedValues } from './bounded.ts';
import { type Def, deploymentMetrics, type LabelName, requestMetrics } from './definitions.ts';
import { exceptionClass } from './exception-class.ts';
import {
  type BucketCell,
  type Labels,
  type StoredCounter,
  type StoredGauge,
  StoredHistogram,
  type ValueCell,
} from './stored.ts';

/** What Prometheus' Python client writes for a label without a value, as LiteLLM's metrics show it. */
export const NONE = 'None';
/** Distinct model names and end users shown before later ones are labelled `other` (see bounded.ts). */
const MAX_MODELS = 1000;
const MAX_END_USERS = 1000;
/** Cached combinations; past it the cache starts over (the cells stay in their metrics). */
const CACHE_MAX = 20_000;

type Values = Record<LabelName, string>;
type AnyDef = Def<StoredCounter | StoredGauge | StoredHistogram>;
type CellOf<D> = D extends Def<StoredHistogram> ? BucketCell : ValueCell;
type Cells<D> = { -readonly [K in keyof D]?: CellOf<D[K]> };

const REQUEST_LABELS: readonly LabelName[] = [
  'hashed_api_key',
  'api_key_alias',
  'team',
  'team_alias',
  'user',
  'user_email',
  'end_user',
  'requested_model',
  'model_group',
  'model',
  'litellm_model_name',
  'model_id',
  'api_base',
  'api_provider',
  'route',
  'status_code',
  'exception_status',
  'exception_class',
  'fallback_model',
];

/**
 * Gives each label value a small number, so that a combination's key is a short string of them (one
 * character a value) rather than the values joined: the values are mostly the same string objects request
 * after request (a key's token, a model group), whose hashes V8 keeps, where a joined key would be a new
 * long string to hash every time.
 */
class Interner {
  readonly #ids = new Map<string, number>();

  /** Undefined when full: the caller starts over (`clear`) and asks again. */
  key(v: Values): string | undefined {
    let key = '';
    for (let i = 0; i < REQUEST_LABELS.length; i++) {
      const value = v[REQUEST_LABELS[i] as LabelName];
      let id = this.#ids.get(value);
      if (id === undefined) {
        if (this.#ids.size >= 0xffff) return undefined;
        id = this.#ids.size;
        this.#ids.set(value, id);
      }
      key += String.fromCharCode(id);
    }
    return key;
  }

  clear(): void {
    this.#ids.clear();
  }
}

/** A family of metrics and the cells a combination of label values has in each, made when first used. */
class Family<D extends Record<string, AnyDef>> {
  readonly defs: D;
  readonly #combos = new Map<string, { values: Values; cells: Cells<D> }>();

  constructor(defs: D) {
    this.defs = defs;
  }

  /** `key`: the values' ids (`Interner.key`). */
  combo(key: string, values: Values): { values: Values; cells: Cells<D> } {
    let combo = this.#combos.get(key);
    if (combo === undefined) {
      if (this.#combos.size >= CACHE_MAX) this.#combos.clear();
      combo = { values: { ...values }, cells: {} };
      this.#combos.set(key, combo);
    }
    return combo;
  }

  forget(): void {
    this.#combos.clear();
  }

  cell<K extends keyof D & string>(combo: { values: Values; cells: Cells<D> }, name: K): CellOf<D[K]> {
    const cached = combo.cells[name];
    if (cached !== undefined) return cached as CellOf<D[K]>;
    const def = this.defs[name] as AnyDef;
    const labels: Record<string, string> = {};
    let key = '';
    for (const label of def.labels) {
      labels[label] = combo.values[label];
      key += `${combo.values[label]}\u0001`;
    }
    const frozen: Labels = Object.freeze(labels);
    const cell =
      def.metric instanceof StoredHistogram
        ? def.metric.cell(key, frozen)
        : def.metric.store.cell(key, frozen);
    combo.cells[name] = cell as CellOf<D[K]>;
    return cell as CellOf<D[K]>;
  }
}

export interface RequestMetricsOptions {
  /** The master key's sha256: `hashed_api_key` of requests made with it, as in LiteLLM. */
  masterToken?: string;
  /** Label requests with their `user` (`end_user`); off by default, as in LiteLLM. */
  endUsers: boolean;
}

export class RequestMetrics {
  readonly requests = new Family(requestMetrics());
  readonly deployments = new Family(deploymentMetrics());
  readonly #interner = new Interner();
  readonly #models = new BoundedValues(MAX_MODELS);
  readonly #endUsers = new BoundedValues(MAX_END_USERS);
  readonly #options: RequestMetricsOptions;
  /** One object reused for every request's values (the listener runs to its end synchronously). */
  readonly #values = {} as Values;

  constructor(options: RequestMetricsOptions) {
    this.#options = options;
  }

  /** Every metric, for the registry. */
  all(): Array<StoredCounter | StoredGauge | StoredHistogram> {
    return [...Object.values(this.requests.defs), ...Object.values(this.deployments.defs)].map(
      (d: AnyDef) => d.metric,
    );
  }

  #key(v: Values): string {
    const key = this.#interner.key(v);
    if (key !== undefined) return key;
    // Past 65535 distinct values: new numbers for all, so every cached combination is dropped.
    this.#interner.clear();
    this.requests.forget();
    this.deployments.forget();
    return this.#interner.key(v) as string;
  }

  /** The gateway finish listener. */
  record(record: RequestRecord): void {
    // LiteLLM leaves requests with a key it does not accept (401) out of its metrics.
    if (record.httpStatus === 401) return;
    const v = this.#requestValues(record);
    const { requests: f } = this;
    const combo = f.combo(this.#key(v), v);
    f.cell(combo, 'proxyTotal').value += 1;
    const error = record.error;
    if (error !== undefined) {
      f.cell(combo, 'proxyFailed').value += 1;
      if (record.attempts.length > 0) f.cell(combo, 'llmApiFailed').value += 1;
    }
    const usage = record.usage;
    if (usage !== undefined) {
      f.cell(combo, 'inputTokens').value += usage.promptTokens;
      f.cell(combo, 'outputTokens').value += usage.completionTokens;
      f.cell(combo, 'totalTokens').value += usage.totalTokens;
    }
    const cost = record.cost?.total ?? 0;
    if (cost > 0 || (error === undefined && record.cost !== undefined)) f.cell(combo, 'spend').value += cost;
    if (error === undefined) this.#answered(record, combo);
    this.#attempts(record);
    if (record.attemptedFallbacks > 0 || record.unknownFallbacks) this.#fallbacks(record, v);
  }

  #answered(
    record: RequestRecord,
    combo: ReturnType<Family<ReturnType<typeof requestMetrics>>['combo']>,
  ): void {
    const f = this.requests;
    const defs = f.defs;
    f.cell(combo, 'requests').value += 1;
    const totalMs = (record.finishedPerf ?? performance.now()) - record.startedPerf;
    defs.totalLatency.metric.add(f.cell(combo, 'totalLatency'), totalMs / 1000);
    const answering = record.attempts.at(-1);
    if (answering === undefined) return;
    const apiMs = callMs(answering);
    defs.apiLatency.metric.add(f.cell(combo, 'apiLatency'), apiMs / 1000);
    let upstream = 0;
    for (const a of record.attempts) upstream += callMs(a) + (a.retryDelayMs ?? 0);
    defs.overhead.metric.add(f.cell(combo, 'overhead'), Math.max(0, totalMs - upstream) / 1000);
    let perTokenMs = apiMs;
    if (record.stream && record.firstChunkMs !== undefined) {
      const ttftMs = Math.max(0, record.startedAt + record.firstChunkMs - answering.startedAt);
      defs.timeToFirstToken.metric.add(f.cell(combo, 'timeToFirstToken'), ttftMs / 1000);
      perTokenMs = ttftMs;
    }
    const outputTokens = record.usage?.completionTokens ?? 0;
    if (outputTokens > 0)
      defs.latencyPerToken.metric.add(f.cell(combo, 'latencyPerToken'), perTokenMs / 1000 / outputTokens);
  }

  /** Per upstream call: each deployment's successes and failures, and its state. */
  #attempts(record: RequestRecord): void {
    const f = this.deployments;
    const v = this.#values;
    for (const a of record.attempts) {
      if (a.aborted) continue;
      this.#attemptValues(a);
      const failed = a.error !== undefined;
      v.exception_status = failed ? String(a.error?.status) : NONE;
      v.exception_class = a.error !== undefined ? exceptionClass(a.error, a.provider) : NONE;
      const combo = f.combo(this.#key(v), v);
      f.cell(combo, failed ? 'failure' : 'success').value += 1;
      f.cell(combo, 'total').value += 1;
      f.cell(combo, 'state').value = failed ? 1 : 0;
    }
  }

  /** Each fallback group tried: the last one succeeded when the request did, the others failed. */
  #fallbacks(record: RequestRecord, v: Values): void {
    const first = record.attempts[0]?.deployment.modelName;
    const groups: string[] = [];
    let cause: AttemptRecord | undefined;
    for (const a of record.attempts) {
      const group = a.deployment.modelName;
      if (group === first) {
        if (a.error !== undefined) cause = a;
      } else if (groups.at(-1) !== group) groups.push(group);
    }
    const f = this.deployments;
    v.requested_model = this.#models.value(record.modelGroup ?? record.requestedModel);
    v.exception_status = cause?.error ? String(cause.error.status) : NONE;
    v.exception_class = cause?.error ? exceptionClass(cause.error, cause.provider) : NONE;
    v.api_base = v.api_provider = v.litellm_model_name = v.model_id = NONE;
    groups.forEach((group, i) => {
      const succeeded = i === groups.length - 1 && record.fallbackGroup !== undefined;
      v.fallback_model = this.#models.value(succeeded ? (record.fallbackGroup as string) : group);
      f.cell(f.combo(this.#key(v), v), succeeded ? 'successfulFallbacks' : 'failedFallbacks').value += 1;
    });
    for (const group of record.unknownFallbacks ?? []) {
      v.fallback_model = this.#models.value(group);
      f.cell(f.combo(this.#key(v), v), 'failedFallbacks').value += 1;
    }
  }

  #requestValues(record: RequestRecord): Values {
    const v = this.#values;
    const caller = record.caller;
    v.hashed_api_key = caller?.token ?? this.#options.masterToken ?? NONE;
    v.api_key_alias = caller?.keyAlias ?? NONE;
    v.team = caller?.teamId ?? NONE;
    v.team_alias = caller?.teamAlias ?? NONE;
    v.user = caller?.userId ?? NONE;
    v.user_email = caller?.userEmail ?? NONE;
    v.end_user = NONE;
    if (this.#options.endUsers) {
      const user = caller?.endUser ?? record.requestBody.user;
      if (typeof user === 'string' && user !== '') v.end_user = this.#endUsers.value(user);
    }
    v.requested_model = this.#models.value(record.requestedModel);
    v.model_group = record.modelGroup === undefined ? NONE : this.#models.value(record.modelGroup);
    const d = record.deployment;
    v.model = v.litellm_model_name = d === undefined ? NONE : this.#models.value(d.model);
    v.model_id = d?.id ?? NONE;
    const last = record.attempts.at(-1);
    v.api_base = last?.apiBase ?? NONE;
    v.api_provider = d?.provider ?? NONE;
    v.route = record.route ?? NONE;
    v.status_code = String(record.httpStatus ?? (record.error?.status || 200));
    const error = record.error;
    v.exception_status = error === undefined ? NONE : String(error.status);
    v.exception_class = error === undefined ? NONE : exceptionClass(error, providerOf(record, error));
    v.fallback_model = NONE;
    return v;
  }

  #attemptValues(a: AttemptRecord): void {
    const v = this.#values;
    v.requested_model = this.#models.value(a.deployment.modelName);
    v.litellm_model_name = this.#models.value(a.deployment.model);
    v.model_id = a.deployment.id;
    v.api_base = a.apiBase;
    v.api_provider = a.provider;
  }
}

/** How long an upstream call took: to its last byte for a stream, when that is known. */
function callMs(a: AttemptRecord): number {
  return a.endedAt === undefined ? a.latencyMs : Math.max(a.latencyMs, a.endedAt - a.startedAt);
}

/** The provider whose answer the error is, when an upstream gave it (not the gateway itself). */
function providerOf(record: RequestRecord, error: GatewayError): string | undefined {
  for (let i = record.attempts.length - 1; i >= 0; i--) {
    const a = record.attempts[i] as AttemptRecord;
    if (a.error === error) return a.provider;
  }
  return undefined;
}
