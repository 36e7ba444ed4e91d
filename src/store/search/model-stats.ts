/**
 * `GET /api/{org}/{stream}/models`: the Models page's numbers from the per-minute rollups — per model
 * over the range, and per model and time bucket for the charts. Tollgate's own endpoint (OpenObserve
 * has no such rollup); the same numbers can be had, slower, from `_search` over the spans.
 */
import type { DatabaseSync } from 'node:sqlite';
import { bucketValue, type Counts } from '../model-rollup.ts';
import { loadStreams } from '../stream-schema.ts';
import { count, timeRange } from './time-range.ts';
import type { Params } from './traces.ts';

export interface ModelStat {
  model: string;
  requests: number;
  error_rate: number;
  /** Latency percentiles, µs. */
  p50: number;
  p90: number;
  p95: number;
  /** Mean time to first token, seconds; null without streams. */
  ttft: number | null;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  retries: number;
  fallbacks: number;
}

type RollupRow = Counts & { minute: number; model: string; gateway: number; latency: string };

export function modelStats(db: DatabaseSync, org: string, stream: string, params: Params) {
  const started = performance.now();
  const { startUs, endUs } = timeRange(params.start_time, params.end_time);
  const bucketUs = count(params.bucket_minutes, 'bucket_minutes', 5, 7 * 24 * 60) * 60_000_000 || 60_000_000;
  const s = loadStreams(db).find((x) => x.org === org && x.name === stream);
  let rows = s
    ? (db
        .prepare(
          'SELECT * FROM _model_minutes WHERE stream_id = ? AND minute >= ? AND minute < ? ORDER BY minute',
        )
        .all(s.id, Math.floor(startUs / 60_000_000) * 60_000_000, endUs) as unknown as RollupRow[])
    : [];
  // The gateway's own request spans when there are any (an app's client spans would count each call twice).
  if (rows.some((r) => r.gateway === 1)) rows = rows.filter((r) => r.gateway === 1);
  const totals = summarize(rows, (r) => r.model);
  const buckets = summarize(rows, (r) => `${Math.floor(r.minute / bucketUs) * bucketUs}\n${r.model}`).map(
    ({ model, ...stat }) => {
      const [bucket, name] = model.split('\n') as [string, string];
      return { bucket: Number(bucket), model: name, ...stat };
    },
  );
  totals.sort((a, b) => b.requests - a.requests);
  return { took: Math.round(performance.now() - started), models: totals, buckets };
}

function summarize(rows: RollupRow[], keyOf: (r: RollupRow) => string): ModelStat[] {
  const groups = new Map<string, RollupRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return [...groups].map(([model, list]) => {
    const sum = (f: keyof Counts) => list.reduce((a, r) => a + r[f], 0);
    const latency = new Map<number, number>();
    for (const r of list)
      for (const [b, n] of Object.entries(JSON.parse(r.latency) as Record<string, number>))
        latency.set(Number(b), (latency.get(Number(b)) ?? 0) + n);
    const requests = sum('requests');
    const ttftCount = sum('ttft_count');
    return {
      model,
      requests,
      error_rate: requests ? sum('errors') / requests : 0,
      p50: percentile(latency, requests, 0.5),
      p90: percentile(latency, requests, 0.9),
      p95: percentile(latency, requests, 0.95),
      ttft: ttftCount ? sum('ttft_sum') / ttftCount : null,
      tokens_in: sum('tokens_in'),
      tokens_out: sum('tokens_out'),
      cost: sum('cost'),
      retries: sum('retries'),
      fallbacks: sum('fallbacks'),
    };
  });
}

function percentile(histogram: Map<number, number>, total: number, q: number): number {
  const want = q * total;
  let seen = 0;
  for (const b of [...histogram.keys()].sort((x, y) => x - y)) {
    seen += histogram.get(b) ?? 0;
    if (seen >= want) return bucketValue(b);
  }
  return 0;
}
