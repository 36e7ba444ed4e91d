// Exact percentiles over all samples: runs are short enough (≤ a few hundred thousand samples)
// that sorting a Float64Array beats the complexity and bucket error of a histogram.

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export const EMPTY_SUMMARY: Summary = {
  count: 0,
  mean: Number.NaN,
  p50: Number.NaN,
  p90: Number.NaN,
  p99: Number.NaN,
  max: Number.NaN,
};

/** Nearest-rank percentile of an ascending array (p in 0..100). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Median of a handful of repeated measurements (NaNs, i.e. failed runs, are ignored). */
export function median(values: readonly number[]): number {
  const ok = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (ok.length === 0) return Number.NaN;
  const mid = Math.floor(ok.length / 2);
  return ok.length % 2 === 1 ? (ok[mid] ?? Number.NaN) : ((ok[mid - 1] ?? 0) + (ok[mid] ?? 0)) / 2;
}
