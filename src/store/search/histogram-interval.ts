/**
 * `histogram()`'s bucket width, as OpenObserve picks it: the interval written in the query ('1m',
 * '30 seconds', '1 hour 30 minutes'), or for a one-argument `histogram(_timestamp)` one chosen from the
 * search's time range, so a chart has a sensible number of buckets whatever the range.
 */
import { searchError } from './query-error.ts';

const SECOND_US = 1_000_000;
const HOUR_US = 3600 * SECOND_US;

/**
 * The range → interval table: the first row whose range the search's covers gives the interval (µs).
 * From OpenObserve's `generate_histogram_interval`; below 10 seconds, 1-second buckets.
 */
const BY_RANGE: Array<[rangeUs: number, intervalS: number]> = [
  [24 * 60 * HOUR_US, 86_400],
  [24 * 30 * HOUR_US, 12 * 3600],
  [24 * 28 * HOUR_US, 6 * 3600],
  [24 * 21 * HOUR_US, 3 * 3600],
  [24 * 15 * HOUR_US, 2 * 3600],
  [6 * HOUR_US, 3600],
  [2 * HOUR_US, 60],
  [HOUR_US, 30],
  [30 * 60 * SECOND_US, 15],
  [10 * SECOND_US, 10],
];

/** The interval (seconds) of a one-argument histogram over `[startUs, endUs)`. */
export function intervalForRange(startUs: number, endUs: number): number {
  if (startUs === 0 && endUs === 0) return 3600;
  const range = endUs - startUs;
  return BY_RANGE.find(([covers]) => range >= covers)?.[1] ?? 1;
}

const UNIT_US: Record<string, number> = {};
for (const [us, names] of [
  [1, 'us usec usecs microsecond microseconds'],
  [1000, 'ms msec msecs millisecond milliseconds'],
  [SECOND_US, 's sec secs second seconds'],
  [60 * SECOND_US, 'm min mins minute minutes'],
  [HOUR_US, 'h hr hrs hour hours'],
  [24 * HOUR_US, 'd day days'],
  [7 * 24 * HOUR_US, 'w week weeks'],
] as const)
  for (const name of names.split(' ')) UNIT_US[name] = us;

/** An interval literal in microseconds: one or more `<number> <unit>` parts, the space optional. */
export function parseInterval(text: string): number {
  const source = text.trim();
  // OpenObserve refuses a bare number: it has no unit.
  if (/^\d+$/.test(source)) throw searchError('sqlNotValid', `Invalid histogram interval: ${source}`);
  let total = 0;
  let rest = source.toLowerCase();
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d+)?)\s*([a-z]+)\s*/.exec(rest);
    const unit = part ? UNIT_US[part[2] as string] : undefined;
    if (!part || unit === undefined) {
      const what = /^\d+(?:\.\d+)?\s*(mon|month|months|y|yr|yrs|year|years)\b/.test(rest)
        ? 'months and years have no fixed length; use days'
        : 'use a number and a unit: s, m, h, d, w (or second, minute, hour, day, week)';
      throw searchError('sqlNotValid', `Invalid histogram interval '${source}': ${what}`);
    }
    total += Number(part[1]) * unit;
    rest = rest.slice(part[0].length);
  }
  if (total <= 0) throw searchError('sqlNotValid', `Invalid histogram interval: ${source}`);
  return total;
}

/** Bucket widths (seconds) that divide a day: an interval that is neither one nor a whole number of days rounds up to one. */
const DAY_FACTORS = [
  1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 28800, 43200, 86400,
];

/**
 * The `histogram_interval` (seconds) OpenObserve reports with a histogram query's answer: the written
 * interval, adjusted to one that charts well.
 */
export function reportedInterval(intervalS: number): number {
  if (intervalS <= 0) return 1;
  if (intervalS % 86_400 === 0 || 86_400 % intervalS === 0) return intervalS;
  return DAY_FACTORS.find((f) => f >= intervalS) ?? 86_400;
}
