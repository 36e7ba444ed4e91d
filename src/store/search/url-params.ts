/**
 * URL parameters read as OpenObserve's handlers read them: integers parsed as i64 with a default for
 * anything unparsable, and the required time range of the list endpoints (`start_time is empty`).
 */
import { QueryError } from './query-error.ts';
import type { TimeRange } from './time-range.ts';
import type { Params } from './traces.ts';

/** An integer parameter; absent or not an integer gives `fallback`, as `parse::<i64>().unwrap_or`. */
export function intParam(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : fallback;
}

/** `start_time` and `end_time` in microseconds, both required (0 or unparsable counts as absent). */
export function requiredRange(params: Params): TimeRange {
  const startUs = intParam(params.start_time, 0);
  if (startUs === 0) throw new QueryError('start_time is empty');
  const endUs = intParam(params.end_time, 0);
  if (endUs === 0) throw new QueryError('end_time is empty');
  return { startUs, endUs };
}

/** A string for SQL text: OpenObserve splices these (ids, values) in single quotes. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * An optional caller range, as OpenObserve's trace and session details read it: both or neither, both
 * zero counts as neither, and start not after end.
 */
export function optionalRange(params: Params): TimeRange | undefined {
  const { start_time: start, end_time: end } = params;
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined)
    throw new QueryError('start_time and end_time must be provided together');
  const startUs = intParam(start, Number.NaN);
  if (Number.isNaN(startUs)) throw new QueryError('Invalid start_time parameter');
  const endUs = intParam(end, Number.NaN);
  if (Number.isNaN(endUs)) throw new QueryError('Invalid end_time parameter');
  if (startUs === 0 && endUs === 0) return undefined;
  if (startUs === 0 || endUs === 0)
    throw new QueryError('start_time and end_time must both be zero or non-zero');
  if (startUs > endUs) throw new QueryError('start_time must not be greater than end_time');
  return { startUs, endUs };
}

/** `hint_ts` and `timeout` are checked as there, though the store needs neither. */
export function checkHints(params: Params): void {
  if (params.hint_ts !== undefined && Number.isNaN(intParam(params.hint_ts, Number.NaN)))
    throw new QueryError('Invalid hint_ts parameter');
  if (params.timeout !== undefined && !(intParam(params.timeout, 0) > 0))
    throw new QueryError('Invalid timeout parameter');
}

/** The smallest range covering both; undefined when neither is known. */
export function unionRange(a: TimeRange | undefined, b: TimeRange | undefined): TimeRange | undefined {
  if (!a) return b;
  if (!b) return a;
  return { startUs: Math.min(a.startUs, b.startUs), endUs: Math.max(a.endUs, b.endUs) };
}
