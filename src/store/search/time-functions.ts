/**
 * OpenObserve's time functions over SQLite values. A timestamp is microseconds since the epoch (as
 * `_timestamp` is stored) or, once a function has made one, text as OpenObserve's JSON writes a
 * timestamp: `2026-11-26T21:05:00`, with a fraction only when there is one (`…:03.120`).
 */
import { intervalForRange, parseInterval } from './histogram-interval.ts';
import { searchError } from './query-error.ts';

type Value = string | number | bigint | null | Uint8Array;

/** The search being run: one-argument `histogram()` sizes its buckets from it. */
export interface TimeContext {
  startUs: number;
  endUs: number;
  /** The request's `histogram_interval` (seconds), which overrides the range's choice when above 0. */
  histogramIntervalS: number;
}

/** OpenObserve's bucket origin (date_bin's): 2001-01-01T00:00:00Z, a Monday, in µs. */
const ORIGIN_US = 978_307_200_000_000;

/** `histogram(ts [, interval [, timezone]])`: the start of the bucket `ts` falls in. */
export function histogram(
  context: TimeContext,
  ts: Value,
  interval?: Value,
  timezone?: Value,
): string | null {
  const us = micros(ts);
  if (us === null) return null;
  const step =
    interval === undefined || interval === null
      ? (context.histogramIntervalS > 0
          ? context.histogramIntervalS
          : intervalForRange(context.startUs, context.endUs)) * 1_000_000
      : intervalUs(String(interval));
  // With a timezone the buckets (and the values returned) are that zone's wall-clock time.
  const local = us + offsetUs(timezone, context.endUs || context.startUs);
  return format(ORIGIN_US + Math.floor((local - ORIGIN_US) / step) * step);
}

const intervals = new Map<string, number>();
function intervalUs(text: string): number {
  let us = intervals.get(text);
  if (us === undefined) {
    us = parseInterval(text);
    if (intervals.size > 256) intervals.clear();
    intervals.set(text, us);
  }
  return us;
}

/** `to_timestamp_micros(x)`: an integer is microseconds; text is parsed as a date and time. */
export function toTimestampMicros(value: Value): string | null {
  const us = micros(value);
  return us === null ? null : format(us);
}

const TRUNC: Record<string, (d: Date) => void> = {
  microsecond: () => {},
  millisecond: () => {},
  second: (d) => d.setUTCMilliseconds(0),
  minute: (d) => d.setUTCSeconds(0, 0),
  hour: (d) => d.setUTCMinutes(0, 0, 0),
  day: (d) => d.setUTCHours(0, 0, 0, 0),
  week: (d) => {
    d.setUTCHours(0, 0, 0, 0);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  },
  month: (d) => {
    d.setUTCHours(0, 0, 0, 0);
    d.setUTCDate(1);
  },
  quarter: (d) => {
    d.setUTCHours(0, 0, 0, 0);
    d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
  },
  year: (d) => {
    d.setUTCHours(0, 0, 0, 0);
    d.setUTCMonth(0, 1);
  },
};

/** `date_trunc('hour', ts)`: `ts` cut down to the unit (weeks start on Monday). */
export function dateTrunc(unit: Value, value: Value): string | null {
  const us = micros(value);
  if (us === null || unit === null) return null;
  const name = String(unit).toLowerCase().replace(/s$/, '');
  const cut = TRUNC[name];
  if (!cut) throw searchError('executeError', `date_trunc: unsupported unit '${String(unit)}'`);
  if (name === 'microsecond') return format(us);
  if (name === 'millisecond') return format(Math.floor(us / 1000) * 1000);
  const d = new Date(Math.floor(us / 1000));
  cut(d);
  return format(d.getTime() * 1000);
}

/** Microseconds of a timestamp value: an integer (µs) or text; null stays null. */
function micros(value: Value): number | null {
  if (value === null) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  const text = String(value).trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (!m) throw searchError('executeError', `Error parsing timestamp from '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const fraction = Math.floor(Number(frac.padEnd(6, '0').slice(0, 6)));
  return ms * 1000 + fraction - (zone ? offsetUs(zone, 0) : 0);
}

/** `2026-11-26T21:05:03.120`: seconds always, a fraction of 3 or 6 digits only when non-zero. */
export function format(us: number): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const fraction = us - Math.floor(us / 1_000_000) * 1_000_000;
  if (fraction === 0) return base;
  return fraction % 1000 === 0
    ? `${base}.${String(fraction / 1000).padStart(3, '0')}`
    : `${base}.${String(fraction).padStart(6, '0')}`;
}

/** A timezone's offset from UTC (µs): 'UTC', '+08:00', '-0530' or an IANA name at instant `atUs`. */
function offsetUs(zone: Value | undefined, atUs: number): number {
  if (zone === undefined || zone === null) return 0;
  const text = String(zone).trim();
  if (text === '' || /^(utc|z)$/i.test(text)) return 0;
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (fixed)
    return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3600 + Number(fixed[3]) * 60) * 1_000_000;
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: text, timeZoneName: 'longOffset' })
      .formatToParts(new Date(Math.floor(atUs / 1000)))
      .find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    name = undefined;
  }
  if (name === undefined) throw searchError('executeError', `Invalid timezone in histogram(): '${text}'`);
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) * 1_000_000 : 0;
}
