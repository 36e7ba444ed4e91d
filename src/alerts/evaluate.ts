/**
 * One evaluation of a rule: the metric over its window, per model or overall, from the embedded store
 * or the remote OpenObserve, through OpenObserve's API only (a stream's schema and `_search`).
 */
import type { Rule } from './rule.ts';
import type { TraceSearch } from './trace-search.ts';

export interface MetricRow {
  /** The model for per-model rules, else null. */
  group: string | null;
  requests: number;
  value: number;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function measure(
  source: TraceSearch,
  org: string,
  rule: Rule,
  nowMs = Date.now(),
): Promise<MetricRow[]> {
  const schema = JSON.parse(await source.schema(org)) as {
    schema?: Array<{ name: string }>;
  };
  const known = new Set((schema.schema ?? []).map((c) => c.name));
  if (!known.has('llm_model_name')) return [];
  const metric = {
    error_rate: "count(*) FILTER (WHERE span_status = 'ERROR') * 1.0 / count(*)",
    p95_latency_ms: 'approx_percentile_cont(duration, 0.95) / 1000.0',
    cost: known.has('gen_ai_usage_cost') ? 'coalesce(sum(gen_ai_usage_cost), 0)' : '0',
  }[rule.metric];
  const perModel = rule.per_model && rule.model === undefined;
  const conditions = ['llm_model_name IS NOT NULL', 'openinference_span_kind IS NOT NULL'];
  if (known.has('tollgate_model_group')) conditions.push('tollgate_model_group IS NOT NULL');
  if (rule.model !== undefined) conditions.push(`llm_model_name = ${quote(rule.model)}`);
  const sql = `SELECT ${perModel ? 'llm_model_name' : 'NULL'} AS grp, count(*) AS requests, ${metric} AS value
    FROM "default" WHERE ${conditions.join(' AND ')}${perModel ? ' GROUP BY llm_model_name' : ''}`;
  const body = {
    query: {
      sql,
      start_time: (nowMs - rule.period * 60_000) * 1000,
      end_time: (nowMs + 1000) * 1000,
      size: 1000,
    },
  };
  const { hits } = JSON.parse(await source.search(org, body)) as {
    hits: Array<{ grp?: string | null; requests: number; value: number | null }>;
  };
  return hits
    .filter((h) => h.requests > 0)
    .map((h) => ({ group: h.grp ?? rule.model ?? null, requests: h.requests, value: h.value ?? 0 }));
}
