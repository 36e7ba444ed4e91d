/**
 * `POST /api/{org}/_search?type=traces`: OpenObserve's request and response. SQL over streams as
 * tables in OpenObserve's dialect (`dialect.ts`), the time range applied to `_timestamp`, `from`/`size`
 * paging with OpenObserve's defaults, newest first unless the query orders or groups itself, and
 * `encoding: "base64"` for base64-encoded SQL.
 */

import { translate } from './dialect.ts';
import { intervalForRange, parseInterval, reportedInterval } from './histogram-interval.ts';
import type { QueryRunner } from './query-runner.ts';
import { DEFAULT_SIZE, readSearchBody } from './search-body.ts';
import { checkSelect, tokenize } from './sql-scan.ts';

/**
 * The most rows one search returns, whatever `size` asks: hits travel from the search process as one
 * message and are sent as one JSON body. OpenObserve has no such cap; past it, the answer says so as
 * OpenObserve says a capped answer (`is_partial` and a warning in `function_error`).
 */
export const MAX_SIZE = 10_000;
/** OpenObserve's size below which no limit applies at all (`QUERY_WITH_NO_LIMIT`). */
const NO_LIMIT = -999;
/** OpenObserve's warning for an answer cut at the default limit. */
export const CAPPED = 'Warn: results are capped to meet default limit';

export interface SearchResponse {
  took: number;
  hits: Array<Record<string, unknown>>;
  total: number;
  from: number;
  size: number;
  scan_size: number;
  scan_records: number;
  trace_id?: string;
  function_error?: string[];
  is_partial: boolean;
  histogram_interval?: number;
}

const ORDERED = ['ORDER', 'GROUP', 'UNION', 'INTERSECT', 'EXCEPT', 'DISTINCT', 'LIMIT'];

/** `traceId` is the request's (see the HTTP side); it comes back in the answer as OpenObserve's does. */
export function search(runner: QueryRunner, org: string, body: unknown, traceId?: string): SearchResponse {
  const started = performance.now();
  const request = readSearchBody(body);
  const { startUs, endUs, from: asked } = request;
  const from = Math.max(0, asked);
  const info = checkSelect(request.sql);
  const requestedS = histogramIntervalOf(body);
  runner.scope(org, startUs, endUs, requestedS);
  const sql = translate(info.sql, runner);
  runner.prepare(sql);
  const { limit, reported, capAt } = pageOf(request.size, info.topLevel.has('LIMIT'));
  let hits: Array<Record<string, unknown>>;
  let total: number;
  if (request.trackTotalHits) {
    // OpenObserve answers the count instead of the rows: one hit, `zo_sql_num`.
    const [row] = runner.all(runner.prepare(`SELECT count(*) AS zo_sql_num FROM (\n${sql}\n)`));
    hits = [{ zo_sql_num: Number(row?.zo_sql_num ?? 0) }];
    total = Number(row?.zo_sql_num ?? 0);
  } else {
    hits = runner.all(
      runner.prepare(
        `SELECT * FROM (\n${newestFirst(runner, sql, info.topLevel)}\n) LIMIT ${limit} OFFSET ${from}`,
      ),
    );
    total = hits.length;
  }
  const capped = capAt !== undefined && hits.length > capAt;
  if (capped) {
    hits = hits.slice(0, capAt);
    total = hits.length;
  }
  const interval = histogramInterval(info.sql, startUs, endUs, requestedS);
  return {
    took: Math.round(performance.now() - started),
    hits,
    total,
    from: asked,
    size: reported,
    scan_size: 0,
    scan_records: runner.rowsScanned,
    ...(traceId ? { trace_id: traceId } : {}),
    ...(capped ? { function_error: [CAPPED] } : {}),
    is_partial: capped,
    ...(interval !== undefined ? { histogram_interval: interval } : {}),
  };
}

/**
 * OpenObserve's `size`: a positive size is the page; 0 and -1 mean the query's own LIMIT when it has
 * one, else the default limit (1,000), with a warning when more rows matched; below -999 no limit.
 * Here every page also stops at MAX_SIZE, with the same warning. `limit` is one past the cap, to see
 * whether more rows matched; `reported` is the `size` OpenObserve answers with.
 */
function pageOf(size: number, ownLimit: boolean): { limit: number; reported: number; capAt?: number } {
  if (size > 0)
    return size > MAX_SIZE
      ? { limit: MAX_SIZE + 1, reported: size, capAt: MAX_SIZE }
      : { limit: size, reported: size };
  if (size > NO_LIMIT) {
    if (ownLimit) return { limit: MAX_SIZE + 1, reported: size, capAt: MAX_SIZE };
    return { limit: DEFAULT_SIZE + 1, reported: size, capAt: DEFAULT_SIZE };
  }
  return { limit: MAX_SIZE + 1, reported: size, capAt: MAX_SIZE };
}

/** The request's `query.histogram_interval` (seconds), already type-checked. */
function histogramIntervalOf(body: unknown): number {
  const value = (body as { query?: { histogram_interval?: unknown } }).query?.histogram_interval;
  return typeof value === 'number' && value > 0 ? value : 0;
}

/**
 * `histogram_interval` of the answer (seconds), when the query has a histogram: the first one's
 * interval, or for a one-argument one the request's or the range's, adjusted as OpenObserve reports it.
 */
function histogramInterval(
  sql: string,
  startUs: number,
  endUs: number,
  requestedS: number,
): number | undefined {
  const tokens = tokenize(sql);
  const at = tokens.findIndex(
    (t, i) => t.kind === 'word' && t.text.toLowerCase() === 'histogram' && tokens[i + 1]?.text === '(',
  );
  if (at < 0) return undefined;
  const depth = (tokens[at + 1]?.depth ?? 0) + 1;
  const args = tokens.slice(at + 2);
  const end = args.findIndex((t) => t.text === ')' && t.depth === depth - 1);
  const comma = args.findIndex((t, i) => i < end && t.text === ',' && t.depth === depth);
  if (comma < 0) return reportedInterval(requestedS > 0 ? requestedS : intervalForRange(startUs, endUs));
  const interval = args[comma + 1];
  if (interval?.kind !== 'string') return undefined;
  return reportedInterval(Math.round(parseInterval(interval.text.slice(1, -1)) / 1_000_000));
}

/**
 * OpenObserve returns rows newest first unless the query orders, groups or limits itself. The order
 * goes on the query itself, so it applies whether or not `_timestamp` is selected; a query where it
 * cannot (a join, a subquery without the column) keeps its own order.
 */
function newestFirst(runner: QueryRunner, sql: string, topLevel: Set<string>): string {
  if (ORDERED.some((k) => topLevel.has(k))) return sql;
  const ordered = `${sql}\nORDER BY _timestamp DESC`;
  try {
    runner.prepare(ordered);
    return ordered;
  } catch {
    return sql;
  }
}
