/**
 * `GET /api/{org}/{stream}/traces/latest`: one hit per trace, as OpenObserve's `get_latest_traces`
 * answers it. The spans matching `filter` are grouped by trace, so the counts, durations, tokens and
 * models are those of the matching spans; the per-service breakdown of a trace with several services
 * counts all its spans, as OpenObserve's second query does. `first_event` names the root span's
 * service and operation (else the earliest span's). Token, cost, input-message and model fields are
 * filled for a stream with LLM spans (one with the `gen_ai_usage_input_tokens` column) and are 0,
 * null and [] otherwise, as there.
 */
import { quoteIdent } from '../stream-schema.ts';
import { translate } from './dialect.ts';
import { QueryError } from './query-error.ts';
import type { Hit, QueryRunner } from './query-runner.ts';
import { checkFilter } from './sql-scan.ts';
import { count, timeRange } from './time-range.ts';
import type { Params } from './traces.ts';

export interface TraceSummary {
  trace_id: string;
  /** Nanoseconds. */
  start_time: number | bigint;
  end_time: number | bigint;
  /** Microseconds. */
  duration: number;
  spans: [number, number];
  service_name: ServiceSummary[];
  first_event: { service_name: string; operation_name: string };
  gen_ai_usage_input_tokens: number;
  gen_ai_usage_output_tokens: number;
  gen_ai_usage_total_tokens: number;
  gen_ai_usage_cost: number;
  gen_ai_input_messages: string | null;
  models: string[];
}

interface ServiceSummary {
  service_name: string;
  count: number;
  /** The longest span of the service, µs. */
  duration: number;
  /** For an inferred service (a database, queue… seen from its callers): its kind. */
  service_type?: string;
}

const SORTS: Record<string, string> = { start_time: 'ts', _timestamp: 'ts', duration: 'trace_duration' };

export function latestTraces(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  const startUs = requiredTime(params.start_time, 'start_time');
  const endUs = requiredTime(params.end_time, 'end_time');
  const range = timeRange(startUs, endUs);
  const from = count(params.from, 'from', 0, 1_000_000);
  const size = count(params.size, 'size', 10, 1000) || 10;
  const sortBy = (params.sort_by ?? 'start_time').toLowerCase();
  const sortColumn = SORTS[sortBy];
  if (sortColumn === undefined)
    throw new QueryError('Invalid sort_by field, only support duration and start_time');
  const order = (params.sort_order ?? 'desc').toLowerCase() === 'asc' ? 'ASC' : 'DESC';
  const checked = params.filter?.trim() ? checkFilter(params.filter) : '1 = 1';
  const streams = runner.scope(org, range.startUs, range.endUs);
  // The filter is OpenObserve's SQL too (ILIKE, casts, match_all over this stream).
  const filter = translate(checked, { columnsOf: (name) => runner.columnsOf(name), stream });
  const answer = (hits: TraceSummary[]) => ({
    took: Math.round(performance.now() - started),
    total: hits.length,
    from,
    size,
    hits,
  });
  if (!streams.includes(stream)) return answer([]);
  const has: ReadonlySet<string> = new Set(runner.streamColumns(stream)?.keys());
  const view = quoteIdent(stream);
  const where = `WHERE (\n${filter}\n)`;
  const totals = runner.all(
    runner.prepare(
      `SELECT trace_id, min(_timestamp) AS ts, min(start_time) AS trace_start, max(end_time) AS trace_end,
         max(end_time) - min(start_time) AS trace_duration, count(*) AS span_count,
         sum(CASE WHEN span_status = 'ERROR' THEN 1 ELSE 0 END) AS error_count, max(duration) AS max_duration,
         count(DISTINCT ${serviceKey(has)}) AS service_count,
         max(CASE WHEN ${isRoot(has)} THEN service_name END) AS root_service,
         max(CASE WHEN ${isRoot(has)} THEN operation_name END) AS root_operation${llmTotals(has)}
       FROM ${view} ${where} GROUP BY trace_id ORDER BY ${sortColumn} ${order} LIMIT ${size} OFFSET ${from}`,
    ),
  );
  if (totals.length === 0) return answer([]);
  const ids = totals.map((t) => String(t.trace_id));
  const firsts = firstSpans(runner, view, where, ids, has);
  const hits = totals.map((t) => summary(t, firsts.get(String(t.trace_id))));
  addServices(runner, { org, view, has, range }, hits, totals);
  hits.sort((a, b) => compare(a, b, sortBy === 'duration') * (order === 'ASC' ? 1 : -1));
  return answer(hits);
}

/** OpenObserve reads the times as integers and answers 400 for a missing (or zero, or unreadable) one. */
function requiredTime(value: string | undefined, name: string): number {
  const n = /^[+-]?\d+$/.test(value ?? '') ? Number(value) : 0;
  if (n === 0) throw new QueryError(`${name} is empty`);
  return n;
}

/** A span is a root when it has no parent id (OpenObserve checks for NULL and ''). */
function isRoot(has: ReadonlySet<string>): string {
  return has.has('reference_parent_span_id')
    ? "(reference_parent_span_id IS NULL OR reference_parent_span_id = '')"
    : '1';
}

/** Inferred services (a database seen from its callers) count as services of their own. */
function serviceKey(has: ReadonlySet<string>): string {
  return has.has('infer_service_name') ? 'coalesce(infer_service_name, service_name)' : 'service_name';
}

/** The LLM columns of the first query: sums, and the distinct models as a JSON array. */
function llmTotals(has: ReadonlySet<string>): string {
  if (!has.has('gen_ai_usage_input_tokens')) return '';
  const sum = (column: string) => (has.has(column) ? `sum(${column})` : '0');
  const models = has.has('gen_ai_response_model')
    ? `json_group_array(DISTINCT gen_ai_response_model) FILTER (WHERE gen_ai_response_model IS NOT NULL AND gen_ai_response_model != '')`
    : `'[]'`;
  return `, ${sum('gen_ai_usage_input_tokens')} AS llm_input, ${sum('gen_ai_usage_output_tokens')} AS llm_output,
    ${sum('gen_ai_usage_total_tokens')} AS llm_total, ${sum('gen_ai_usage_cost')} AS llm_cost, ${models} AS llm_models`;
}

interface First {
  service_name: string;
  operation_name: string;
  input_messages: string | null;
}

/** Per trace: the earliest matching span, and the earliest non-empty `gen_ai_input_messages`. */
function firstSpans(
  runner: QueryRunner,
  view: string,
  where: string,
  ids: string[],
  has: ReadonlySet<string>,
): Map<string, First> {
  const marks = ids.map(() => '?').join(', ');
  const first = new Map<string, First>();
  const rows = runner.all(
    runner.prepare(
      `SELECT trace_id, service_name, operation_name FROM (SELECT trace_id, service_name, operation_name,
         row_number() OVER (PARTITION BY trace_id ORDER BY _timestamp) AS n
       FROM ${view} ${where} AND trace_id IN (${marks})) WHERE n = 1`,
    ),
    ids,
  );
  for (const r of rows)
    first.set(String(r.trace_id), {
      service_name: String(r.service_name ?? ''),
      operation_name: String(r.operation_name ?? ''),
      input_messages: null,
    });
  if (!has.has('gen_ai_usage_input_tokens') || !has.has('gen_ai_input_messages')) return first;
  const messages = runner.all(
    runner.prepare(
      `SELECT trace_id, gen_ai_input_messages FROM (SELECT trace_id, gen_ai_input_messages,
         row_number() OVER (PARTITION BY trace_id ORDER BY _timestamp) AS n
       FROM ${view} ${where} AND trace_id IN (${marks})
         AND gen_ai_input_messages IS NOT NULL AND gen_ai_input_messages != '') WHERE n = 1`,
    ),
    ids,
  );
  for (const m of messages) {
    const f = first.get(String(m.trace_id));
    if (f) f.input_messages = String(m.gen_ai_input_messages);
  }
  return first;
}

function summary(t: Hit, first: First | undefined): TraceSummary {
  const start = t.trace_start as number | bigint;
  const end = t.trace_end as number | bigint;
  const maxDuration = int(t.max_duration);
  const span = BigInt(end) - BigInt(start);
  const service = text(t.root_service) || (first?.service_name ?? '');
  const operation = text(t.root_operation) || (first?.operation_name ?? '');
  const spans = int(t.span_count);
  return {
    trace_id: String(t.trace_id),
    start_time: start,
    end_time: end,
    // The span from the first start to the last end, unless one span is longer (clock skew).
    duration: span > BigInt(maxDuration) * 1000n ? Number(span / 1000n) : maxDuration,
    spans: [spans, int(t.error_count)],
    // One service: its row comes from this query; several: from `addServices`.
    service_name:
      int(t.service_count) <= 1 && service !== ''
        ? [{ service_name: service, count: spans, duration: maxDuration }]
        : [],
    first_event: { service_name: service, operation_name: operation },
    gen_ai_usage_input_tokens: int(t.llm_input),
    gen_ai_usage_output_tokens: int(t.llm_output),
    gen_ai_usage_total_tokens: int(t.llm_total),
    gen_ai_usage_cost: Number(t.llm_cost ?? 0) || 0,
    gen_ai_input_messages: first?.input_messages ?? null,
    models: t.llm_models === undefined ? [] : models(t.llm_models),
  };
}

interface Scope {
  org: string;
  view: string;
  has: ReadonlySet<string>;
  range: { startUs: number; endUs: number };
}

/**
 * The per-service rows of traces with several services: every span of the trace (not only those
 * matching the filter), over the range widened to the traces' own start and end.
 */
function addServices(runner: QueryRunner, scope: Scope, hits: TraceSummary[], totals: Hit[]): void {
  const multi = hits.filter((_, i) => int(totals[i]?.service_count) > 1);
  if (multi.length === 0) return;
  let { startUs, endUs } = scope.range;
  for (const h of hits) {
    const start = Number(BigInt(h.start_time) / 1000n);
    const end = Number(BigInt(h.end_time) / 1000n);
    if (start < startUs) startUs = start;
    if (end > endUs) endUs = end + 1;
  }
  if (startUs !== scope.range.startUs || endUs !== scope.range.endUs) runner.scope(scope.org, startUs, endUs);
  const key = serviceKey(scope.has);
  const type = scope.has.has('infer_service_type') ? ', max(infer_service_type) AS service_type' : '';
  const rows = runner.all(
    runner.prepare(
      `SELECT trace_id, ${key} AS service_name${type}, count(*) AS n, max(duration) AS longest
       FROM ${scope.view} WHERE trace_id IN (${multi.map(() => '?').join(', ')})
       GROUP BY trace_id, ${key} ORDER BY min(_timestamp)`,
    ),
    multi.map((h) => h.trace_id),
  );
  const byId = new Map(multi.map((h) => [h.trace_id, h]));
  for (const r of rows) {
    const item: ServiceSummary = {
      service_name: text(r.service_name),
      count: int(r.n),
      duration: int(r.longest),
    };
    if (typeof r.service_type === 'string' && r.service_type !== '') item.service_type = r.service_type;
    byId.get(String(r.trace_id))?.service_name.push(item);
  }
}

function compare(a: TraceSummary, b: TraceSummary, byDuration: boolean): number {
  if (byDuration) return a.duration - b.duration;
  const x = BigInt(a.start_time);
  const y = BigInt(b.start_time);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** An integer field as OpenObserve reads it: a missing or non-numeric value is 0. */
function int(value: unknown): number {
  const n = Math.trunc(Number(value ?? 0));
  return Number.isFinite(n) ? n : 0;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The distinct models, sorted (OpenObserve's array_agg has no order; this one is stable). */
function models(value: unknown): string[] {
  try {
    const list = JSON.parse(String(value)) as unknown[];
    return list.filter((m): m is string => typeof m === 'string').sort();
  } catch {
    return [];
  }
}
