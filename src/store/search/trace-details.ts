/**
 * `GET /api/{org}/{stream}/traces/{trace_id}/details`: every span of one trace, in start order, as
 * OpenObserve answers it — a search response over the trace's whole time range. OpenObserve finds that
 * range in its trace time index; here the store itself is the index, so a trace is found without a range.
 * With a caller range the two are joined, never narrowed. Besides OpenObserve's fields, the answer keeps
 * the trace's own `trace_id`, `start_time`, `end_time` and `duration`, which the UI reads.
 */
import { quoteIdent } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';
import type { QueryRunner } from './query-runner.ts';
import type { TimeRange } from './time-range.ts';
import { tookDetail } from './took-detail.ts';
import type { Params } from './traces.ts';
import { checkHints, optionalRange, unionRange } from './url-params.ts';

/** OpenObserve's page for one trace. */
const MAX_SPANS = 50_000;

export function traceDetails(
  runner: QueryRunner,
  org: string,
  stream: string,
  traceId: string,
  params: Params,
) {
  const started = performance.now();
  const caller = optionalRange(params);
  checkHints(params);
  const id = traceId.toLowerCase();
  const range = unionRange(caller, indexed(runner, org, stream, id));
  if (!range) throw new QueryError('A caller time range is required when the trace time index has no result');
  const streams = runner.scope(org, range.startUs, range.endUs + 1);
  const hits = streams.includes(stream)
    ? runner.all(
        runner.prepare(`SELECT * FROM ${quoteIdent(stream)} WHERE trace_id = ? ORDER BY start_time`),
        [id],
        MAX_SPANS,
      )
    : [];
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const h of hits) {
    const s = BigInt(h.start_time as number | bigint);
    const e = BigInt(h.end_time as number | bigint);
    if (start === undefined || s < start) start = s;
    if (end === undefined || e > end) end = e;
  }
  return {
    took: Math.round(performance.now() - started),
    took_detail: tookDetail(),
    hits,
    total: hits.length,
    from: 0,
    size: MAX_SPANS,
    cached_ratio: 0,
    scan_size: 0,
    idx_scan_size: 0,
    scan_records: runner.rowsScanned,
    is_partial: false,
    new_start_time: range.startUs,
    new_end_time: range.endUs,
    result_cache_ratio: 0,
    trace_id: id,
    start_time: start ?? 0,
    end_time: end ?? 0,
    duration: start !== undefined && end !== undefined ? Number((end - start) / 1000n) : 0,
  };
}

/** The trace's own time range, over all time: what OpenObserve's trace time index holds. */
function indexed(runner: QueryRunner, org: string, stream: string, id: string): TimeRange | undefined {
  const streams = runner.scope(org, 0, Number.MAX_SAFE_INTEGER);
  if (!streams.includes(stream)) return undefined;
  const [row] = runner.all(
    runner.prepare(
      `SELECT min(_timestamp) AS lo, max(_timestamp) AS hi FROM ${quoteIdent(stream)} WHERE trace_id = ?`,
    ),
    [id],
  );
  if (row?.lo === null || row?.lo === undefined) return undefined;
  return { startUs: Number(row.lo), endUs: Number(row.hi) };
}
