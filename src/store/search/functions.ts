/**
 * SQL functions OpenObserve queries use that SQLite lacks (`str_match`, `re_match`, `histogram`, …),
 * plus the per-row tick that enforces the query time limit from inside SQLite.
 */
import type { DatabaseSync } from 'node:sqlite';
import v8 from 'node:v8';
import { QueryError } from './query-error.ts';

type Value = string | number | bigint | null | Uint8Array;

/** Rows visited and the deadline of the query that is running. */
export interface Budget {
  rows: number;
  deadline: number;
  timedOut: boolean;
}

export function registerFunctions(db: DatabaseSync, budget: Budget): void {
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
  db.function('histogram', det, (ts: Value, interval: Value) => histogram(ts, interval ?? '1 minute'));
  db.function('histogram', det, (ts: Value) => histogram(ts, '1 minute'));
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
      throw new QueryError(
        `Invalid regular expression: ${source} (${err instanceof Error ? err.message : String(err)}; ` +
          'backreferences and lookaround are not supported)',
      );
    }
    if (regexes.size > 256) regexes.clear();
    regexes.set(source, re);
  }
  return re.test(String(field)) ? 1 : 0;
}

const UNIT_US: Record<string, number> = {
  second: 1e6,
  minute: 60e6,
  hour: 3600e6,
  day: 86400e6,
  week: 7 * 86400e6,
};

/** The start of the interval `ts` (µs) falls in, as OpenObserve writes it: `2026-11-26T21:05:00`. */
function histogram(ts: Value, interval: Value): string | null {
  if (ts === null) return null;
  const match = /^\s*(\d+)?\s*([a-z]+?)s?\s*$/i.exec(String(interval));
  const unit = UNIT_US[match?.[2]?.toLowerCase() ?? ''];
  if (!match || unit === undefined) throw new QueryError(`Invalid histogram interval: ${String(interval)}`);
  const step = Number(match[1] ?? 1) * unit;
  const us = Number(ts);
  const bucket = Math.floor(us / step) * step;
  return new Date(bucket / 1000).toISOString().slice(0, 19);
}
