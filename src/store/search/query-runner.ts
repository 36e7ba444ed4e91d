/**
 * Runs user SQL safely on a read-only connection. Each stream of the organisation is a temporary view
 * named after the stream and limited to the request's time range; an authorizer lets a statement read
 * those views and nothing else (no other tables, no PRAGMA, ATTACH, writes or recursive CTEs); a tick
 * in every view row enforces the time limit inside SQLite; results are capped in rows.
 */
import { constants, type DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { type HitValue, hitValue } from '../openobserve-values.ts';
import { type ColumnType, loadStreams, quoteIdent } from '../stream-schema.ts';
import { type Budget, registerFunctions } from './functions.ts';
import {
  fieldNotFound,
  functionNotDefined,
  QueryError,
  searchError,
  streamNotFound,
  timeLimitError,
} from './query-error.ts';
import type { TimeContext } from './time-functions.ts';

export type { HitValue };
export type Hit = Record<string, HitValue>;

export interface RunnerOptions {
  /** Longest a query may run. */
  timeLimitMs: number;
}

/**
 * Functions that build huge values from nothing (a way to exhaust memory without reading a row), and
 * fts3_tokenizer, which hands out and takes raw pointers: a classic step in SQLite exploits.
 */
const DENIED_FUNCTIONS = new Set([
  'load_extension',
  'zeroblob',
  'randomblob',
  'printf',
  'format',
  'fts3_tokenizer',
]);

export class QueryRunner {
  readonly #db: DatabaseSync;
  readonly #options: RunnerOptions;
  readonly #budget: Budget = { rows: 0, deadline: 0, timedOut: false };
  readonly #time: TimeContext = { startUs: 0, endUs: 0, histogramIntervalS: 0 };
  readonly #views = new Set<string>();
  /** Stream tables of the scoped organisation → their column types. */
  #tables = new Map<string, Map<string, ColumnType>>();
  /** The same columns by stream name. */
  #byName = new Map<string, Map<string, ColumnType>>();
  #setup = false;

  constructor(db: DatabaseSync, options: RunnerOptions) {
    this.#db = db;
    this.#options = options;
    registerFunctions(db, this.#budget, this.#time);
    // OpenObserve's LIKE (DataFusion's) tells upper from lower case; SQLite's does not unless told.
    db.exec('PRAGMA case_sensitive_like = ON');
    db.setAuthorizer((action, a, b, _db, view) => this.#authorize(action, a, b, _db, view));
  }

  /**
   * Makes each stream of `org` a view over `[startUs, endUs)`; returns the stream names.
   * `histogramIntervalS` (the request's `histogram_interval`) sizes one-argument histograms.
   */
  scope(org: string, startUs: number, endUs: number, histogramIntervalS = 0): string[] {
    this.#setup = true;
    try {
      for (const view of this.#views) this.#db.exec(`DROP VIEW IF EXISTS temp.${quoteIdent(view)}`);
      this.#views.clear();
      this.#tables = new Map();
      this.#byName = new Map();
      Object.assign(this.#time, { startUs, endUs, histogramIntervalS });
      const streams = loadStreams(this.#db).filter((s) => s.org === org);
      for (const s of streams) {
        this.#db.exec(
          `CREATE TEMP VIEW ${quoteIdent(s.name)} AS SELECT * FROM main.${s.table} ` +
            `WHERE _timestamp >= ${Math.trunc(startUs)} AND _timestamp < ${Math.trunc(endUs)} AND tollgate_tick(_timestamp)`,
        );
        this.#views.add(s.name);
        this.#tables.set(s.table, s.columns);
        this.#byName.set(s.name, s.columns);
      }
      this.#budget.rows = 0;
      this.#budget.timedOut = false;
      this.#budget.deadline = performance.now() + this.#options.timeLimitMs;
      return streams.map((s) => s.name);
    } finally {
      this.#setup = false;
    }
  }

  /** The columns of a stream of the scoped organisation, by stream name; undefined for none. */
  streamColumns(stream: string): ReadonlyMap<string, ColumnType> | undefined {
    return this.#byName.get(stream);
  }

  /** The column names of a stream of the scoped organisation; undefined for any other name. */
  columnsOf(stream: string): readonly string[] | undefined {
    const columns = this.#byName.get(stream);
    return columns === undefined ? undefined : [...columns.keys()];
  }

  /** Rows scanned since the last `scope`. */
  get rowsScanned(): number {
    return this.#budget.rows;
  }

  prepare(sql: string): StatementSync {
    try {
      const statement = this.#db.prepare(sql);
      statement.setReadBigInts(true);
      statement.setReturnArrays(true);
      return statement;
    } catch (err) {
      throw this.#sqlError(err);
    }
  }

  /** Result column names of a prepared statement. */
  columns(statement: StatementSync): string[] {
    return statement.columns().map((c) => c.name);
  }

  /**
   * Runs a statement, at most `limit` rows, as hits with OpenObserve's types and values (attributes as
   * strings, hit-values.ts); stream nulls are left out.
   */
  all(statement: StatementSync, params: SQLInputValue[] = [], limit = Number.POSITIVE_INFINITY): Hit[] {
    const hits: Hit[] = [];
    this.each(statement, params, (hit) => hits.push(hit) < limit);
    return hits;
  }

  /** Calls `visit` with each hit until it returns false. */
  each(statement: StatementSync, params: SQLInputValue[], visit: (hit: Hit) => boolean): void {
    const convert = statement.columns().map((c) => {
      const stored = c.table !== null && c.column !== null && this.#tables.has(c.table);
      const type = stored ? this.#tables.get(c.table ?? '')?.get(c.column ?? '') : undefined;
      // Only values read straight from a stream column are stored attributes; computed ones keep their type.
      return { name: c.name, type, fromStream: c.table !== null, column: stored ? c.column : null };
    });
    try {
      for (const values of statement.iterate(...params) as Iterable<unknown[]>) {
        const hit: Hit = {};
        for (let i = 0; i < convert.length; i++) {
          const column = convert[i] as (typeof convert)[number];
          const typed = cell(values[i], column.type);
          if (typed === null && column.fromStream) continue;
          const value = column.column === null ? typed : hitValue(column.column, typed);
          hit[column.name] = value;
        }
        if (!visit(hit)) break;
        if (performance.now() > this.#budget.deadline) throw this.#timeout();
      }
    } catch (err) {
      if (this.#budget.timedOut) throw this.#timeout();
      throw this.#sqlError(err);
    }
  }

  #timeout(): QueryError {
    return timeLimitError(this.#options.timeLimitMs);
  }

  /** SQLite's messages as OpenObserve's error codes, reworded where a user needs to know what to change. */
  #sqlError(err: unknown): QueryError {
    if (err instanceof QueryError) return err;
    const message = err instanceof Error ? err.message : String(err);
    const table = /no such table: (?:\w+\.)?(.*)$/.exec(message);
    if (table) return streamNotFound(table[1] as string);
    const column = /no such column: (?:.*\.)?(.*)$/.exec(message);
    if (column) {
      const field = column[1] as string;
      const known = new Set([...this.#byName.values()].flatMap((columns) => [...columns.keys()]));
      return fieldNotFound(field, similar(field, known));
    }
    const fn = /no such function: (.*)$/.exec(message);
    if (fn) return functionNotDefined(fn[1] as string);
    if (/not authorized|prohibited/.test(message))
      return searchError(
        'sqlNotValid',
        `Search SQL may only read this organization's trace streams (${message})`,
      );
    if (/syntax error|incomplete input|unrecognized token/.test(message))
      return searchError('sqlNotValid', message);
    return searchError('executeError', message);
  }

  #authorize(
    action: number,
    a: string | null,
    b: string | null,
    database: string | null,
    view: string | null,
  ) {
    if (this.#setup) return constants.SQLITE_OK;
    switch (action) {
      case constants.SQLITE_SELECT:
        return constants.SQLITE_OK;
      case constants.SQLITE_READ:
        if (database === 'temp' && a !== null && this.#views.has(a)) return constants.SQLITE_OK;
        if (
          database === 'main' &&
          a !== null &&
          this.#tables.has(a) &&
          view !== null &&
          this.#views.has(view)
        )
          return constants.SQLITE_OK;
        return constants.SQLITE_DENY;
      case constants.SQLITE_FUNCTION:
        return DENIED_FUNCTIONS.has((b ?? '').toLowerCase()) ? constants.SQLITE_DENY : constants.SQLITE_OK;
      default:
        return constants.SQLITE_DENY;
    }
  }
}

function cell(value: unknown, type: ColumnType | undefined): HitValue {
  if (value === null || value === undefined) return null;
  if (type === 'Boolean' && (typeof value === 'bigint' || typeof value === 'number'))
    return Number(value) !== 0;
  if (type === 'Utf8' && typeof value !== 'string') return String(value);
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value as string | number;
}

/** Up to 3 known names close to `name` (by edit distance or containment), closest first. */
function similar(name: string, known: Iterable<string>): string[] {
  const target = name.toLowerCase();
  const threshold = Math.max(2, Math.floor(target.length / 3));
  const scored: Array<[number, string]> = [];
  for (const candidate of known) {
    if (candidate.startsWith('_')) continue;
    const c = candidate.toLowerCase();
    const d = distance(target, c);
    if (d <= threshold || c.includes(target) || target.includes(c)) scored.push([d, candidate]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].length - b[1].length);
  return scored.slice(0, 3).map(([, c]) => c);
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
    previous = current;
  }
  return previous[b.length] as number;
}
