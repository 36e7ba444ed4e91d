/**
 * SQL functions OpenObserve queries use that SQLite lacks (`str_match`, `re_match`, `histogram`,
 * `date_trunc`, …, and what `dialect.ts` rewrites ILIKE and `match_all` into), plus the per-row tick
 * that enforces the query time limit from inside SQLite.
 */
import type { DatabaseSync } from 'node:sqlite';
import v8 from 'node:v8';
import { ilike } from './like.ts';
import { searchError } from './query-error.ts';
import { dateTrunc, histogram, type TimeContext, toTimestampMicros } from './time-functions.ts';

type Value = string | number | bigint | null | Uint8Array;

/** Rows visited and the deadline of the query that is running. */
export interface Budget {
  rows: number;
  deadline: number;
  timedOut: boolean;
}

export function registerFunctions(db: DatabaseSync, budget: Budget, time: TimeContext): void {
  // Called once per row a stream view yields; checking the clock every 1,024 rows keeps it cheap.
  // It takes a column so that SQLite evaluates it in the loop over the view's rows: a term that
  // reads no column is hoisted out of the inner loops of a join, which then run unchecked.
  db.function('tollgate_tick', { deterministic: false }, (_row: Value) => {
    if ((++budget.rows & 1023) === 0 && performance.now() > budget.deadline) {
      budget.timedOut = true;
      throw new Error('query time limit reached');
    }
    return 1;
  });
  const det = { deterministic: true };
  db.function('str_match', det, (field: Value, s: Value) => contains(field, s, false));
  db.function('str_match_ignore_case', det, (field: Value, s: Value) => contains(field, s, true));
  db.function('re_match', det, (field: Value, re: Value) => matches(field, re));
  db.function('re_not_match', det, (field: Value, re: Value) =>
    field === null ? null : 1 - matches(field, re),
  );
  // One-argument histogram reads the search's time range, so it is not deterministic across searches.
  const perSearch = { deterministic: false, varargs: true };
  db.function('histogram', perSearch, (ts: Value, interval?: Value, timezone?: Value) =>
    histogram(time, ts, interval, timezone),
  );
  db.function('tollgate_text', det, (value: Value) => asText(value));
  db.function('to_timestamp_micros', det, (value: Value) => toTimestampMicros(value));
  db.function('date_trunc', det, (unit: Value, value: Value) => dateTrunc(unit, value));
  // `a ILIKE b` is rewritten to `a REGEXP b`, which SQLite runs as regexp(b, a).
  db.function('regexp', det, (pattern: Value, value: Value) =>
    value === null || pattern === null ? null : ilike(String(value), String(pattern)) ? 1 : 0,
  );
  db.function(
    'tollgate_match_all',
    { deterministic: true, varargs: true },
    (text: Value, ...columns: Value[]) => {
      // As OpenObserve: a leading `re:` and `*` wildcards at either end are dropped, then any column
      // containing the text, ignoring case, matches.
      const item = String(text ?? '')
        .replace(/^re:/, '')
        .replace(/^\*+/, '')
        .replace(/\*+$/, '');
      return columns.some((c) => c !== null && ilike(String(c), `%${item}%`)) ? 1 : 0;
    },
  );
}

/** `x::text`: numbers as DataFusion writes them (an integer without `.0`), blobs as base64. */
function asText(value: Value): string | null {
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

function contains(field: Value, s: Value, ignoreCase: boolean): number | null {
  if (field === null || s === null) return null;
  const a = String(field);
  const b = String(s);
  return (ignoreCase ? a.toLowerCase().includes(b.toLowerCase()) : a.includes(b)) ? 1 : 0;
}

// Backtracking on `(a+)+$` would hold the store's thread for hours, out of reach of the time limit.
// V8's linear-time engine (the `l` flag) cannot blow up, and refuses what OpenObserve's regex crate
// refuses too: backreferences and lookaround.
v8.setFlagsFromString('--enable-experimental-regexp-engine');
const regexes = new Map<string, RegExp>();
function matches(field: Value, pattern: Value): number {
  if (field === null || pattern === null) return 0;
  const source = String(pattern);
  let re = regexes.get(source);
  if (!re) {
    try {
      re = new RegExp(source, 'l');
    } catch (err) {
      throw searchError(
        'executeError',
        `Invalid regular expression: ${source} (${err instanceof Error ? err.message : String(err)}; ` +
          'backreferences and lookaround are not supported)',
      );
    }
    if (regexes.size > 256) regexes.clear();
    regexes.set(source, re);
  }
  return re.test(String(field)) ? 1 : 0;
}
