/**
 * One trace, as OpenObserve's traces API answers it: `GET /api/{org}/{stream}/traces/{trace_id}/details`
 * (the trace list is latest-traces.ts).
 */
import { quoteIdent } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';
import type { QueryRunner } from './query-runner.ts';
import { timeRange } from './time-range.ts';

export type Params = Record<string, string | undefined>;

/** Every span of one trace, in start order. */
export function traceDetails(
  runner: QueryRunner,
  org: string,
  stream: string,
  traceId: string,
  params: Params,
) {
  const started = performance.now();
  if (!/^[0-9a-f]{32}$/i.test(traceId)) throw new QueryError('trace_id must be 32 hex characters');
  const { startUs, endUs } = timeRange(params.start_time, params.end_time);
  const streams = runner.scope(org, startUs, endUs);
  const hits = streams.includes(stream)
    ? runner.all(
        runner.prepare(
          `SELECT * FROM ${quoteIdent(stream)} WHERE trace_id = ? ORDER BY start_time LIMIT 10000`,
        ),
        [traceId.toLowerCase()],
      )
    : [];
  if (hits.length === 0) throw new QueryError(`Trace ${traceId} not found in stream ${stream}`, 404);
  let start = BigInt(hits[0]?.start_time as number | bigint);
  let end = BigInt(hits[0]?.end_time as number | bigint);
  for (const h of hits) {
    const s = BigInt(h.start_time as number | bigint);
    const e = BigInt(h.end_time as number | bigint);
    if (s < start) start = s;
    if (e > end) end = e;
  }
  return {
    took: Math.round(performance.now() - started),
    trace_id: traceId.toLowerCase(),
    start_time: start,
    end_time: end,
    duration: Number((end - start) / 1000n),
    total: hits.length,
    hits,
  };
}
