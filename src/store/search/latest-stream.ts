/**
 * `GET /api/{org}/{stream}/traces/latest_stream`: the trace list as server-sent events, in the format of
 * OpenObserve's `_search_stream` (which its UI's streaming search reads): `progress` events, the
 * response without hits (`search_response_metadata`, with the time range it covers), the hits
 * (`search_response_hits`), and `data: [[DONE]]`. OpenObserve sends one such round per time partition
 * as it searches; the store searches the range in one go, so there is one round, and it is written
 * when done.
 */
import { stringify } from '../json.ts';
import type { QueryRunner } from './query-runner.ts';
import { latestTraces, type Params } from './traces.ts';
import { requiredRange } from './url-params.ts';

export function latestTracesStream(runner: QueryRunner, org: string, stream: string, params: Params): string {
  const { startUs, endUs } = requiredRange(params);
  const page = latestTraces(runner, org, stream, params);
  const events = [event('progress', { percent: 0 })];
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
