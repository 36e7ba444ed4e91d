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
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new QueryError(`${name} must be a time in microseconds since the epoch`);
  return Math.trunc(n);
}

/** A non-negative integer parameter with a default and a ceiling. */
export function count(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new QueryError(`${name} must be a non-negative integer`);
  return Math.min(n, max);
}
