/**
 * What the spend queries share: WHERE clauses with numbered parameters, and date ranges as LiteLLM's
 * spend routes take them: `YYYY-MM-DD` (a whole day, UTC) or `YYYY-MM-DD HH:MM:SS`. Spend log times are ISO-8601 UTC text, which sorts as time does, so a range is
 * two strings compared against `start_time`. Every range is bounded, so no query scans years of logs.
 */
import type { SqlValue } from '../../accounts/sql/db.ts';
import { invalid, queryText } from './fields.ts';

/** The longest range a report or a summary may cover. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export interface Range {
  /** Inclusive lower bound, ISO-8601. */
  from: string;
  /** Exclusive upper bound, ISO-8601. */
  until: string;
}

/**
 * `start_date` and `end_date` of a query; undefined when either is missing. A bare date as `end_date`
 * includes that whole day (LiteLLM's report does so; its `/spend/logs` stops at the day's first instant).
 */
export function rangeOf(query: unknown, maxDays = MAX_RANGE_DAYS): Range | undefined {
  const start = queryText(query, 'start_date');
  const end = queryText(query, 'end_date');
  if (start === undefined || end === undefined) return undefined;
  const from = parseDate('start_date', start, false);
  const until = parseDate('end_date', end, true);
  if (until <= from) throw invalid('end_date: must not be before start_date');
  if (until.getTime() - from.getTime() > (maxDays + 1) * DAY_MS)
    throw invalid(`start_date, end_date: at most ${maxDays} days at a time`);
  return { from: from.toISOString(), until: until.toISOString() };
}

/** The last `days` days up to now (LiteLLM's "last 30 days" views start at midnight, UTC). */
export function lastDays(days: number): Range {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  return {
    from: new Date(today.getTime() - days * DAY_MS).toISOString(),
    until: new Date(Date.now() + DAY_MS).toISOString(),
  };
}

export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

function parseDate(name: string, text: string, end: boolean): Date {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text.trim());
  const date = match ? new Date(`${match[1]}T${match[2] ?? '00:00:00'}Z`) : undefined;
  if (match === null || date === undefined || Number.isNaN(date.getTime()))
    throw invalid(`${name}: expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, got "${text.slice(0, 40)}"`);
  if (!end) return date;
  // The bound is exclusive: a bare end date takes in that whole day, a time the second it names.
  return new Date(date.getTime() + (match[2] === undefined ? DAY_MS : 1000));
}

/** WHERE clauses and their parameters, numbered as they are added. */
export class Where {
  readonly #clauses: string[] = [];
  readonly params: SqlValue[] = [];

  add(clause: (p: string) => string, value: SqlValue): this {
    this.params.push(value);
    this.#clauses.push(clause(`$${this.params.length}`));
    return this;
  }

  /** `column = value` when the value is given. */
  equal(column: string, value: SqlValue | undefined): this {
    return value === undefined ? this : this.add((p) => `${column} = ${p}`, value);
  }

  /** `column IN (values…)` when values are given. */
  in(column: string, values: readonly SqlValue[] | undefined): this {
    if (values === undefined) return this;
    const placeholders = values.map((value) => this.next(value));
    this.#clauses.push(`${column} IN (${placeholders.join(', ')})`);
    return this;
  }

  range(range: Range | undefined, column = 'start_time'): this {
    if (range === undefined) return this;
    return this.add((p) => `${column} >= ${p}`, range.from).add((p) => `${column} < ${p}`, range.until);
  }

  get sql(): string {
    return this.#clauses.length === 0 ? '1 = 1' : this.#clauses.join(' AND ');
  }

  /** The next parameter's placeholder (for LIMIT and OFFSET after the clauses). */
  next(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}
