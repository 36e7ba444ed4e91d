/**
 * The store's public API, as OpenObserve clients call it: only OpenObserve's own paths (`_search`,
 * streams, `traces/latest`, `traces/{id}/details`), so the same pages read the embedded store or, through
 * the gateway, the OpenObserve it exports to. The master key, when the gateway has one, is asked for
 * once and kept for the browser session; every call sends it as a Bearer token.
 */
const KEY = 'tollgate.key';

export class AuthNeeded extends Error {}

export function savedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const key = savedKey();
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401 || response.status === 403) {
    const message = await errorText(response);
    // The OpenObserve the gateway reads refused the gateway's own credentials: no key typed here helps.
    if (response.headers.get('x-tollgate-source') === 'openobserve')
      throw new Error(
        `OpenObserve refused the gateway's credentials (${response.status}: ${message}): check OPENOBSERVE_AUTH_TOKEN and OPENOBSERVE_ORG where the gateway runs`,
      );
    throw new AuthNeeded(message || 'A key is needed');
  }
  if (!response.ok) throw new Error((await errorText(response)) || `${response.status}`);
  return (await response.json()) as T;
}

/**
 * What went wrong, as OpenObserve words it: its error JSON (`message`, and for a search the reason in
 * `error_detail`) or plain text (the auth middleware's refusals, a body it could not read); the key API
 * answers LiteLLM's `{error: {message}}` (or FastAPI's `{detail}`).
 */
async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      message?: string;
      error_detail?: string;
      error?: { message?: string } | string;
      detail?: unknown;
    };
    if (body.error !== undefined && body.message === undefined)
      return typeof body.error === 'string' ? body.error : (body.error.message ?? '');
    if (body.detail !== undefined && body.message === undefined)
      return typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
    return [body.message, body.error_detail].filter(Boolean).join(': ');
  } catch {
    return text.trim();
  }
}

export type Row = Record<string, string | number | boolean | undefined>;

/** One trace of `traces/latest`, as OpenObserve answers it. */
export interface TraceHit {
  trace_id: string;
  start_time: number;
  end_time: number;
  duration: number;
  spans: [number, number];
  service_name: Array<{ service_name: string; count: number; duration: number }>;
  /** The root span's (else the first span's) service and operation. */
  first_event: { service_name: string; operation_name: string };
  gen_ai_usage_input_tokens: number;
  gen_ai_usage_output_tokens: number;
  gen_ai_usage_total_tokens: number;
  gen_ai_usage_cost: number;
  gen_ai_input_messages: string | null;
  /** The models that served the trace's LLM spans. */
  models: string[];
}

export interface LatestQuery {
  filter: string;
  startUs: number;
  endUs: number;
  from: number;
  size: number;
  sortBy: 'start_time' | 'duration';
}

/** One hit per trace, with its LLM totals and models (OpenObserve's `traces/latest` fields). */
export function latestTraces(q: LatestQuery): Promise<{ hits: TraceHit[]; total: number }> {
  return latestHits(q);
}

function latestHits(q: LatestQuery): Promise<{ hits: TraceHit[]; total: number }> {
  const params = new URLSearchParams({
    start_time: String(q.startUs),
    end_time: String(q.endUs),
    from: String(q.from),
    size: String(q.size),
    sort_by: q.sortBy,
  });
  if (q.filter) params.set('filter', q.filter);
  return call(`/api/default/default/traces/latest?${params}`);
}

const MINUTE_US = 60_000_000;
const DAY_US = 24 * 60 * MINUTE_US;

/**
 * A trace's spans. OpenObserve looks a trace up in a time range: around its start when the link gives
 * it, else the last 30 days.
 */
export function traceDetails(traceId: string, startUs?: number): Promise<{ hits: Row[] }> {
  const nowUs = Date.now() * 1000;
  const [from, to] =
    startUs !== undefined
      ? [startUs - 10 * MINUTE_US, startUs + DAY_US]
      : [nowUs - 30 * DAY_US, nowUs + MINUTE_US];
  const params = new URLSearchParams({ start_time: String(Math.max(0, from)), end_time: String(to) });
  return call(`/api/default/default/traces/${traceId}/details?${params}`);
}

export function search(sql: string, startUs: number, endUs: number, size = 1000): Promise<{ hits: Row[] }> {
  return call('/api/default/_search?type=traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { sql, start_time: startUs, end_time: endUs, size } }),
  });
}

/**
 * Values of a column for the filter menus: those of the newest 20,000 spans in the range, which the
 * `_timestamp` index reads quickly however many spans the range holds. Empty when the column is unknown.
 */
export async function distinct(column: string, startUs: number, endUs: number): Promise<string[]> {
  try {
    const { hits } = await search(
      `SELECT DISTINCT ${column} AS v FROM (SELECT ${column} FROM "default" ORDER BY _timestamp DESC LIMIT 20000) WHERE v IS NOT NULL ORDER BY v`,
      startUs,
      endUs,
      200,
    );
    return hits.map((h) => String(h.v));
  } catch (err) {
    if (err instanceof AuthNeeded) throw err;
    return [];
  }
}

/** The columns of the default stream: queries use only the ones that exist (others read as null). */
export async function columns(): Promise<Set<string>> {
  try {
    const body = await call<{ schema: Array<{ name: string }> }>('/api/default/streams/default/schema');
    return new Set(body.schema.map((c) => c.name));
  } catch (err) {
    if (err instanceof AuthNeeded) throw err;
    return new Set();
  }
}

export interface AlertRule {
  name: string;
  metric: 'error_rate' | 'p95_latency_ms' | 'cost';
  model?: string;
  per_model: boolean;
  period: number;
  frequency: number;
  operator: '>' | '>=' | '<' | '<=';
  threshold: number;
  destinations: string[];
  template?: string;
  enabled: boolean;
}

export interface AlertHistory {
  alert_name: string;
  kind: 'firing' | 'recovered';
  group: string | null;
  value: number;
  at: number;
  delivered: boolean;
  attempts: number;
  error: string | null;
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export const alertsApi = {
  rules: () => call<{ list: AlertRule[] }>('/api/v2/default/alerts'),
  history: () => call<{ list: AlertHistory[] }>('/api/default/alerts/history'),
  create: (rule: Partial<AlertRule>) => call<AlertRule>('/api/v2/default/alerts', json('POST', rule)),
  remove: (name: string) => call(`/api/v2/default/alerts/${encodeURIComponent(name)}`, json('DELETE')),
  evaluate: (name: string) =>
    call<{ firing: string[] }>(`/api/v2/default/alerts/${encodeURIComponent(name)}/evaluate`, json('POST')),
  saveDestination: (d: { name: string; url: string; template?: string }) =>
    call('/api/default/alerts/destinations', json('POST', d)),
};

export interface ModelStat {
  model: string;
  requests: number;
  error_rate: number;
  p50: number;
  p90: number;
  p95: number;
  ttft: number | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  retries: number;
  fallbacks: number;
}

/**
 * Per model over the range, and per model and bucket (`bucket`: start, µs): two `_search` queries over
 * the LLM request spans, the gateway's own when it wrote any (an app's client spans would count each
 * call twice). Columns the stream lacks read as 0 (OpenObserve refuses a query naming an unknown field),
 * and attribute columns are cast, since OpenObserve keeps span attributes as strings.
 */
export async function modelStats(
  startUs: number,
  endUs: number,
  bucketMinutes: number,
): Promise<{ models: ModelStat[]; buckets: Array<ModelStat & { bucket: number }> }> {
  const known = await columns();
  if (!known.has('llm_model_name') || !known.has('openinference_span_kind'))
    return { models: [], buckets: [] };
  const num = (name: string) => `CAST(${name} AS DOUBLE)`;
  const sum = (name: string, alias: string) =>
    known.has(name) ? `sum(${num(name)}) AS ${alias}` : `0 AS ${alias}`;
  const fields = [
    'llm_model_name AS model',
    'count(*) AS requests',
    "sum(CASE WHEN span_status = 'ERROR' THEN 1 ELSE 0 END) AS errors",
    'approx_percentile_cont(duration, 0.5) AS p50',
    'approx_percentile_cont(duration, 0.9) AS p90',
    'approx_percentile_cont(duration, 0.95) AS p95',
    known.has('gen_ai_response_time_to_first_chunk')
      ? `avg(${num('gen_ai_response_time_to_first_chunk')}) AS ttft`
      : 'NULL AS ttft',
    sum('llm_token_count_prompt', 'tokens_in'),
    sum('llm_token_count_completion', 'tokens_out'),
    sum('gen_ai_usage_cost', 'cost'),
    known.has('tollgate_attempts')
      ? `sum(CASE WHEN ${num('tollgate_attempts')} > 1 THEN ${num('tollgate_attempts')} - 1 ELSE 0 END) AS retries`
      : '0 AS retries',
    known.has('tollgate_fallback')
      ? "sum(CASE WHEN CAST(tollgate_fallback AS VARCHAR) IN ('true', '1') THEN 1 ELSE 0 END) AS fallbacks"
      : '0 AS fallbacks',
  ].join(', ');
  const where = ['llm_model_name IS NOT NULL', 'openinference_span_kind IS NOT NULL'];
  if (known.has('tollgate_model_group')) where.push('tollgate_model_group IS NOT NULL');
  const from = `FROM "default" WHERE ${where.join(' AND ')}`;
  const [totals, perBucket] = await Promise.all([
    search(`SELECT ${fields} ${from} GROUP BY model ORDER BY requests DESC`, startUs, endUs, 1000),
    search(
      `SELECT histogram(_timestamp, '${bucketMinutes} minute') AS bucket, ${fields} ${from} GROUP BY bucket, model ORDER BY bucket`,
      startUs,
      endUs,
      10_000,
    ),
  ]);
  return {
    models: totals.hits.map(modelStat),
    buckets: perBucket.hits.map((h) => ({ ...modelStat(h), bucket: bucketStart(h.bucket) })),
  };
}

function modelStat(h: Row): ModelStat {
  const n = (v: unknown) => (v === null || v === undefined || v === '' ? 0 : Number(v));
  const requests = n(h.requests);
  return {
    model: String(h.model),
    requests,
    error_rate: requests ? n(h.errors) / requests : 0,
    p50: n(h.p50),
    p90: n(h.p90),
    p95: n(h.p95),
    ttft: h.ttft === null || h.ttft === undefined ? null : Number(h.ttft),
    tokens_in: n(h.tokens_in),
    tokens_out: n(h.tokens_out),
    cost: n(h.cost),
    retries: n(h.retries),
    fallbacks: n(h.fallbacks),
  };
}

/** `histogram()` answers a UTC time without a zone (`2026-11-26T21:05:00`), or µs. */
function bucketStart(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`) * 1000;
}
