/**
 * `GET /api/{org}/{stream}/traces/session/details?session_id=…`: one LLM session's turns, one summary
 * per trace (newest first), as OpenObserve answers it. A trace belongs to the session when any of its
 * spans carries the id (in any session column); its summary covers all its spans, so a failing tool
 * span marks the turn. OpenObserve finds the session's range in its time index; the store is its own
 * index, so no caller range is needed, and a caller range widens it, never narrows it.
 */
import { quoteIdent } from '../stream-schema.ts';
import { CACHE_COSTS, CACHE_TOKENS, type LlmColumns, llmColumns, sessionColumns } from './llm-schema.ts';
import { QueryError } from './query-error.ts';
import type { Hit, QueryRunner } from './query-runner.ts';
import type { TimeRange } from './time-range.ts';
import type { Params } from './traces.ts';
import { intParam, optionalRange, sqlString, unionRange } from './url-params.ts';

export function sessionDetails(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  const session = params.session_id ?? '';
  if (session === '') throw new QueryError('session_id is empty');
  const from = Math.max(0, intParam(params.from, 0));
  const size = Math.max(0, intParam(params.size, 1000));
  const caller = optionalRange(params);
  if (params.hint_ts !== undefined && Number.isNaN(intParam(params.hint_ts, Number.NaN)))
    throw new QueryError('Invalid hint_ts parameter');
  const empty = { took: 0, total: 0, from, size, hits: [] };
  runner.scope(org, 0, Number.MAX_SAFE_INTEGER);
  const schema = runner.streamColumns(stream);
  const cols = schema ? llmColumns(schema, stream) : undefined;
  const where = schema ? sessionColumns(schema) : [];
  if (!schema || !cols || where.length === 0) {
    if (!caller)
      throw new QueryError('A caller time range is required when the session time index has no result');
    return empty;
  }
  const view = quoteIdent(stream);
  const member = where.map((c) => `${quoteIdent(c)} = ${sqlString(session)}`).join(' OR ');
  // The session's traces with their start, over all time: what OpenObserve's session index holds.
  const traces = runner.all(
    runner.prepare(
      `SELECT t.trace_id, min(t._timestamp) AS ts, max(t._timestamp) AS last FROM ${view} t
       WHERE t.trace_id IN (SELECT trace_id FROM ${view} WHERE ${member}) GROUP BY t.trace_id`,
    ),
  );
  const index: TimeRange | undefined =
    traces.length === 0
      ? undefined
      : {
          startUs: traces.reduce((lo, t) => Math.min(lo, Number(t.ts)), Number.POSITIVE_INFINITY),
          endUs: traces.reduce((hi, t) => Math.max(hi, Number(t.last)), 0),
        };
  const range = unionRange(caller, index);
  if (!range)
    throw new QueryError('A caller time range is required when the session time index has no result');
  const ids = traces
    .filter((t) => Number(t.ts) >= range.startUs && Number(t.ts) <= range.endUs)
    .sort((a, b) => Number(b.ts) - Number(a.ts) || (String(a.trace_id) < String(b.trace_id) ? -1 : 1))
    .slice(from, from + size)
    .map((t) => String(t.trace_id));
  if (ids.length === 0) return empty;
  runner.scope(org, range.startUs, range.endUs + 1);
  const hits = summaries(runner, view, cols, ids);
  return { took: Math.round(performance.now() - started), total: hits.length, from, size, hits };
}

function summaries(runner: QueryRunner, view: string, cols: LlmColumns, ids: string[]) {
  const q = quoteIdent;
  const inIds = `trace_id IN (${ids.map(sqlString).join(', ')})`;
  const sum = (column: string | undefined, as: string) =>
    column ? `sum(${q(column)}) AS ${as}` : `0 AS ${as}`;
  const first = (column: string) =>
    `(SELECT f.${q(column)} FROM ${view} f WHERE f.trace_id = s.trace_id ORDER BY f._timestamp LIMIT 1)`;
  const root = (column: string) =>
    `max(CASE WHEN reference_parent_span_id IS NULL OR reference_parent_span_id = '' THEN ${column} END)`;
  const messages = cols.messages
    ? `(SELECT m.${q(cols.messages)} FROM ${view} m WHERE m.trace_id = s.trace_id AND m.${q(cols.messages)}
         IS NOT NULL AND m.${q(cols.messages)} != '' ORDER BY m.start_time LIMIT 1)`
    : "''";
  const models = `(SELECT json_group_array(DISTINCT d.${q(cols.model)}) FROM ${view} d WHERE d.trace_id = s.trace_id
      AND d.${q(cols.model)} IS NOT NULL AND d.${q(cols.model)} != '')`;
  const rows = runner.all(
    runner.prepare(
      `SELECT trace_id, min(start_time) AS trace_start_time, max(end_time) AS trace_end_time,
         ${sum(cols.input, 'input')}, ${sum(cols.output, 'output')}, ${sum(cols.total, 'total')},
         ${sum(cols.cost, 'cost')},
         ${[...CACHE_TOKENS, ...CACHE_COSTS].map((c) => sum(cols.optional.includes(c) ? c : undefined, c)).join(', ')},
         ${models} AS models, ${messages} AS messages,
         count(*) AS span_count, sum(CASE WHEN span_status = 'ERROR' THEN 1 ELSE 0 END) AS error_count,
         max(duration) AS max_duration, count(DISTINCT service_name) AS service_count,
         ${root('service_name')} AS root_service_name, ${root('operation_name')} AS root_operation_name,
         ${first('service_name')} AS first_service_name, ${first('operation_name')} AS first_operation_name
       FROM ${view} s WHERE ${inIds} GROUP BY trace_id`,
    ),
  );
  const services = runner.all(
    runner.prepare(
      `SELECT trace_id, service_name, count(*) AS svc_count, max(duration) AS svc_duration
       FROM ${view} WHERE ${inIds} GROUP BY trace_id, service_name`,
    ),
  );
  const byId = new Map(rows.map((r) => [String(r.trace_id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [turn(row, services)] : [];
  });
}

/** One trace's summary in OpenObserve's shape (the trace list's, plus its LLM totals). */
function turn(row: Hit, services: Hit[]) {
  const int = (v: unknown) => (v === null || v === undefined ? 0 : Math.trunc(Number(v)));
  const float = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  // Nanoseconds: past 2^53, so kept exact as bigints.
  const start = BigInt((row.trace_start_time ?? 0) as number | bigint);
  const end = BigInt((row.trace_end_time ?? 0) as number | bigint);
  const maxDuration = int(row.max_duration);
  const spans = int(row.span_count);
  const serviceName = String(row.root_service_name ?? '') || String(row.first_service_name ?? '');
  const operationName = String(row.root_operation_name ?? '') || String(row.first_operation_name ?? '');
  const serviceCount = int(row.service_count);
  const serviceList =
    serviceCount <= 1
      ? serviceName === ''
        ? []
        : [{ service_name: serviceName, count: spans, duration: maxDuration }]
      : services
          .filter((s) => s.trace_id === row.trace_id)
          .map((s) => ({
            service_name: String(s.service_name ?? ''),
            count: int(s.svc_count),
            duration: int(s.svc_duration),
          }));
  return {
    trace_id: String(row.trace_id),
    start_time: start,
    end_time: end,
    // Microseconds: the span of the trace, unless one span reports a longer duration.
    duration: end - start > BigInt(maxDuration) * 1000n ? Number((end - start) / 1000n) : maxDuration,
    spans: [spans, int(row.error_count)],
    service_name: serviceList,
    first_event: { service_name: serviceName, operation_name: operationName },
    gen_ai_usage_input_tokens: int(row.input),
    gen_ai_usage_output_tokens: int(row.output),
    gen_ai_usage_total_tokens: int(row.total),
    gen_ai_usage_cost: float(row.cost),
    gen_ai_usage_cache_read_input_tokens: int(row.gen_ai_usage_cache_read_input_tokens),
    gen_ai_usage_cache_creation_input_tokens: int(row.gen_ai_usage_cache_creation_input_tokens),
    gen_ai_usage_cost_cache_read_input: float(row.gen_ai_usage_cost_cache_read_input),
    gen_ai_usage_cost_cache_creation_input: float(row.gen_ai_usage_cost_cache_creation_input),
    gen_ai_usage_cost_estimated_without_cache: float(row.gen_ai_usage_cost_estimated_without_cache),
    gen_ai_usage_cost_cache_read_savings: float(row.gen_ai_usage_cost_cache_read_savings),
    gen_ai_usage_cost_net_cache_impact: float(row.gen_ai_usage_cost_net_cache_impact),
    gen_ai_input_messages: row.messages ?? null,
    models: (JSON.parse(typeof row.models === 'string' ? row.models : '[]') as unknown[]).map(String),
  };
}
