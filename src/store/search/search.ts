/**
 * `POST /api/{org}/_search?type=traces`: OpenObserve's request and response. SQL over streams as
 * tables, the time range applied to `_timestamp`, `from`/`size` paging, newest first unless the query
 * orders or groups itself, and `encoding: "base64"` for base64-encoded SQL.
 */

import { QueryError } from './query-error.ts';
import type { QueryRunner } from './query-runner.ts';
import { checkSelect } from './sql-scan.ts';
import { count, timeRange } from './time-range.ts';

/** OpenObserve's default page when `size` is 0 or absent, and the most one search returns. */
const DEFAULT_SIZE = 100;
export const MAX_SIZE = 10_000;

export interface SearchResponse {
  took: number;
  hits: Array<Record<string, unknown>>;
  total: number;
  from: number;
  size: number;
  scan_size: number;
  scan_records: number;
  is_partial: boolean;
}

const ORDERED = ['ORDER', 'GROUP', 'UNION', 'INTERSECT', 'EXCEPT', 'DISTINCT', 'LIMIT'];

export function search(runner: QueryRunner, org: string, body: unknown): SearchResponse {
  const started = performance.now();
  const query = (body as { query?: unknown } | null)?.query;
  if (typeof query !== 'object' || query === null)
    throw new QueryError(
      'The request body must be {"query": {"sql": "SELECT …", "start_time": …, "end_time": …}}',
    );
  const q = query as Record<string, unknown>;
  if (typeof q.sql !== 'string') throw new QueryError('query.sql must be a string');
  const encoding = (body as { encoding?: unknown }).encoding;
  const sql = encoding === 'base64' ? Buffer.from(q.sql, 'base64').toString('utf8') : q.sql;
  const { startUs, endUs } = timeRange(q.start_time, q.end_time);
  const from = count(q.from, 'from', 0, Number.MAX_SAFE_INTEGER);
  const size = count(q.size, 'size', DEFAULT_SIZE, MAX_SIZE) || DEFAULT_SIZE;
  const info = checkSelect(sql);
  runner.scope(org, startUs, endUs);
  runner.prepare(info.sql);
  const statement = runner.prepare(
    `SELECT * FROM (\n${newestFirst(runner, info.sql, info.topLevel)}\n) LIMIT ${size} OFFSET ${from}`,
  );
  const hits = runner.all(statement);
  let total = from + hits.length;
  if (q.track_total_hits === true) {
    const [row] = runner.all(runner.prepare(`SELECT count(*) AS n FROM (\n${info.sql}\n)`));
    total = Number(row?.n ?? total);
  }
  return {
    took: Math.round(performance.now() - started),
    hits,
    total,
    from,
    size: hits.length,
    scan_size: 0,
    scan_records: runner.rowsScanned,
    is_partial: false,
  };
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
