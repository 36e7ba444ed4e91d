/**
 * `GET /api/{org}/{stream}/traces/latest_stream`: the trace list as server-sent events, in the format of
 * OpenObserve's `_search_stream` (which its UI's streaming search reads): `progress` events, the
 * response without hits (`search_response_metadata`, with the time range it covers), the hits
 * (`search_response_hits`), and `data: [[DONE]]`. OpenObserve sends one such round per time partition
 * as it searches; the store searches the range in one go, so there is one round, and it is written
 * when done.
 */
import { stringify } from '../json.ts';
import { latestTraces } from './latest-traces.ts';
import { QueryError } from './query-error.ts';
import type { QueryRunner } from './query-runner.ts';
import { checkFilter } from './sql-scan.ts';
import type { Params } from './traces.ts';
import { requiredRange } from './url-params.ts';

export function latestTracesStream(runner: QueryRunner, org: string, stream: string, params: Params): string {
  // What OpenObserve checks before it starts the stream is a 400; what fails while searching is an
  // `error` event in the stream (status 200), after the first progress event.
  const { startUs, endUs } = requiredRange(params);
  if (params.filter) checkFilter(params.filter);
  if (!['start_time', '_timestamp', 'duration'].includes((params.sort_by ?? 'start_time').toLowerCase()))
    throw new QueryError('Invalid sort_by field, only support duration and start_time');
  const events = [event('progress', { percent: 0 })];
  let page: ReturnType<typeof latestTraces>;
  try {
    page = latestTraces(runner, org, stream, params);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    events.push(event('error', { code: err.status, message: err.message, error_detail: null }));
    return events.join('');
  }
  if (page.hits.length > 0) {
    const results = {
      took: page.took,
      took_detail: {
        total: 0,
        cache_took: 0,
        file_list_took: 0,
        wait_in_queue: 0,
        idx_took: 0,
        search_took: 0,
      },
      hits: [],
      total: page.total,
      from: 0,
      size: 0,
      cached_ratio: 0,
      scan_size: 0,
      idx_scan_size: 0,
      scan_records: 0,
      is_partial: false,
      result_cache_ratio: 0,
    };
    const timeOffset = { start_time: startUs, end_time: endUs };
    events.push(
      event('search_response_metadata', { results, streaming_aggs: false, time_offset: timeOffset }),
    );
    events.push(event('search_response_hits', { hits: page.hits }));
  }
  events.push(event('progress', { percent: 100 }), 'data: [[DONE]]\n\n');
  return events.join('');
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${stringify(data)}\n\n`;
}
