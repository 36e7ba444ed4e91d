/**
 * The trace list, as OpenObserve's traces API answers it: `GET /api/{org}/{stream}/traces/latest` (one
 * hit per trace, newest or longest first, with span and error counts, per-service breakdown and the
 * first span). One trace's spans are `trace-details.ts`.
 */
import { quoteIdent } from '../stream-schema.ts';
import { translate } from './dialect.ts';
import { QueryError } from './query-error.ts';
import type { Hit, QueryRunner } from './query-runner.ts';
import { checkFilter } from './sql-scan.ts';
import { count, timeRange } from './time-range.ts';

export type Params = Record<string, string | undefined>;

export interface TraceSummary {
  trace_id: string;
  start_time: number | bigint;
  end_time: number | bigint;
  duration: number;
  spans: [number, number];
  service_name: Array<{ service_name: string; count: number; duration: number }>;
  first_event: Hit;
}

export function latestTraces(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  const { startUs, endUs } = timeRange(params.start_time, params.end_time);
  const from = count(params.from, 'from', 0, 1_000_000);
  const size = count(params.size, 'size', 10, 1000) || 10;
  const checked = params.filter?.trim() ? checkFilter(params.filter) : '1 = 1';
  const sortBy = params.sort_by ?? 'start_time';
  if (!['start_time', '_timestamp', 'duration'].includes(sortBy))
    throw new QueryError('sort_by must be start_time or duration');
  const order = (params.sort_order ?? 'desc').toLowerCase() === 'asc' ? 'ASC' : 'DESC';
  const streams = runner.scope(org, startUs, endUs);
  if (!streams.includes(stream)) return { took: 0, total: 0, from, size: 0, hits: [] };
  // The filter is OpenObserve's SQL too (ILIKE, casts, match_all over this stream).
  const filter = translate(checked, { columnsOf: (name) => runner.columnsOf(name), stream });
  const view = quoteIdent(stream);
  const ids =
    sortBy === 'duration'
      ? runner
          .all(
            runner.prepare(
              `SELECT trace_id FROM ${view} WHERE (\n${filter}\n) GROUP BY trace_id ORDER BY max(duration) ${order} LIMIT ${size} OFFSET ${from}`,
            ),
          )
          .map((h) => String(h.trace_id))
      : newestTraceIds(runner, view, filter, order, from, size);
  const hits = summaries(runner, view, ids);
  return {
    took: Math.round(performance.now() - started),
    total: from + hits.length,
    from,
    size: hits.length,
    hits,
  };
}

/** Walks spans by time and keeps each trace the first time it is seen, until the page is full. */
function newestTraceIds(
  runner: QueryRunner,
  view: string,
  filter: string,
  order: string,
  from: number,
  size: number,
) {
  const statement = runner.prepare(
    `SELECT trace_id FROM ${view} WHERE (\n${filter}\n) ORDER BY _timestamp ${order}`,
  );
  const seen: string[] = [];
  const known = new Set<string>();
  runner.each(statement, [], (hit) => {
    const id = String(hit.trace_id);
    if (!known.has(id)) {
      known.add(id);
      seen.push(id);
    }
    return seen.length < from + size;
  });
  return seen.slice(from, from + size);
}

function summaries(runner: QueryRunner, view: string, ids: string[]): TraceSummary[] {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(', ');
  const totals = runner.all(
    runner.prepare(
      `SELECT trace_id, min(start_time) AS start_time, max(end_time) AS end_time, count(*) AS spans,
         count(*) FILTER (WHERE span_status = 'ERROR') AS errors
       FROM ${view} WHERE trace_id IN (${marks}) GROUP BY trace_id`,
    ),
    ids,
  );
  const services = runner.all(
    runner.prepare(
      `SELECT trace_id, service_name, count(*) AS count, sum(duration) AS duration
       FROM ${view} WHERE trace_id IN (${marks}) GROUP BY trace_id, service_name ORDER BY min(start_time)`,
    ),
    ids,
  );
  const firsts = runner.all(
    runner.prepare(
      `SELECT * FROM (SELECT *, row_number() OVER (
         PARTITION BY trace_id ORDER BY start_time, reference_parent_span_id IS NOT NULL) AS _first
       FROM ${view} WHERE trace_id IN (${marks})) WHERE _first = 1`,
    ),
    ids,
  );
  const byId = new Map(totals.map((t) => [String(t.trace_id), t]));
  return ids.flatMap((id) => {
    const t = byId.get(id);
    if (!t) return [];
    const first = firsts.find((f) => f.trace_id === id) ?? {};
    delete first._first;
    const start = t.start_time as number | bigint;
    const end = t.end_time as number | bigint;
    return [
      {
        trace_id: id,
        start_time: start,
        end_time: end,
        duration: Number((BigInt(end) - BigInt(start)) / 1000n),
        spans: [Number(t.spans), Number(t.errors)],
        service_name: services
          .filter((s) => s.trace_id === id)
          .map((s) => ({
            service_name: String(s.service_name),
            count: Number(s.count),
            duration: Number(s.duration),
          })),
        first_event: first,
      },
    ];
  });
}
