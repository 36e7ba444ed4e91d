/**
 * The store's public API, as OpenObserve clients call it. The master key, when the gateway has one, is
 * asked for once and kept for the browser session; every call sends it as a Bearer token.
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
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new AuthNeeded(body.message ?? 'A key is needed');
  }
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `${response.status}`);
  return body;
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

export function latestTraces(q: LatestQuery): Promise<{ hits: TraceHit[]; total: number }> {
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

export function traceDetails(
  traceId: string,
): Promise<{ hits: Row[]; duration: number; start_time: number }> {
  return call(`/api/default/default/traces/${traceId}/details`);
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

/** Per model over the range, and per model and bucket (`bucket`: start, µs), from the store's rollups. */
export function modelStats(
  startUs: number,
  endUs: number,
  bucketMinutes: number,
): Promise<{ models: ModelStat[]; buckets: Array<ModelStat & { bucket: number }> }> {
  const params = new URLSearchParams({
    start_time: String(startUs),
    end_time: String(endUs),
    bucket_minutes: String(bucketMinutes),
  });
  return call(`/api/default/default/models?${params}`);
}
