/** Search time ranges in microseconds since the epoch, as OpenObserve's API takes them. */
import { QueryError } from './query-error.ts';

export interface TimeRange {
  startUs: number;
  endUs: number;
}

/** `[start, end)`; an absent start means the beginning, an absent end means now (plus a minute of skew). */
export function timeRange(start: unknown, end: unknown): TimeRange {
  const startUs = micros(start, 'start_time') ?? 0;
  const endUs = micros(end, 'end_time') ?? (Date.now() + 60_000) * 1000;
  if (endUs <= startUs) throw new QueryError('end_time must be after start_time');
  return { startUs, endUs };
}

function micros(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  // OpenObserve reads times as signed 64-bit integers: past 2^63 (2^64 − 1, say) is not a time there
  // either. Between 2^53 (the year 2255) and that, "far in the future" (docs write 9999999999999999)
  // is kept as the largest exact microsecond rather than a rounded one.
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n >= 2 ** 63)
    throw new QueryError(`${name} must be a time in microseconds since the epoch`);
  return Math.min(Math.trunc(n), Number.MAX_SAFE_INTEGER);
}

/** A non-negative integer parameter with a default and a ceiling. */
export function count(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new QueryError(`${name} must be a non-negative integer`);
  return Math.min(n, max);
}
