/**
 * `GET /api/{org}/{stream}/_values?fields=a,b&start_time=…&end_time=…`: each field's most frequent values
 * with their counts (OpenObserve's field-values panel), as its `values` handler answers: one hit per
 * field of the stream's schema, `{field, values: [{zo_sql_key, zo_sql_num}]}`, keys as strings, most
 * frequent first. `filter=col=v1,v2`, base64 `sql` (its WHERE applies), `keyword` (case-insensitive
 * substring of the value) and `no_count` (distinct values in key order) narrow or change it.
 */

import { quoteIdent } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';
import type { HitValue, QueryRunner } from './query-runner.ts';
import { MAX_SIZE } from './search.ts';
import { tokenize } from './sql-scan.ts';
import { tookDetail } from './took-detail.ts';
import type { Params } from './traces.ts';
import { intParam, requiredRange, sqlString } from './url-params.ts';

/** OpenObserve's `ZO_QUERY_VALUES_DEFAULT_NUM`. */
const DEFAULT_SIZE = 10;

export interface FieldValues {
  field: string;
  values: Array<{ zo_sql_key: string; zo_sql_num: number }>;
}

export function fieldValues(runner: QueryRunner, org: string, stream: string, params: Params) {
  const started = performance.now();
  if (params.fields === undefined) throw new QueryError('fields is empty');
  const fields = params.fields.split(',');
  let { startUs, endUs } = requiredRange(params);
  if (startUs === endUs) [startUs, endUs] = [startUs - 1, endUs + 1];
  const from = Math.max(0, intParam(params.from, 0));
  const size = intParam(params.size, DEFAULT_SIZE);
  const noCount = ['true', '1'].includes((params.no_count ?? '').toLowerCase());
  const keyword = (params.keyword ?? '').trim();
  const traces = params.type === undefined || params.type === 'traces';
  runner.scope(org, startUs, endUs);
  const columns = traces ? runner.streamColumns(stream) : undefined;
  const where = whereClause(params, columns);
  const hits: FieldValues[] = [];
  let scanned = 0;
  for (const field of fields) {
    if (!columns?.has(field)) continue;
    const conditions = [
      where,
      keyword ? `str_match_ignore_case(${quoteIdent(field)}, ${sqlString(keyword)})` : '',
    ]
      .filter((c) => c !== '')
      .map((c) => `(${c})`);
    const sql =
      `SELECT ${quoteIdent(field)} AS zo_sql_key${noCount ? '' : ', count(*) AS zo_sql_num'} ` +
      `FROM ${quoteIdent(stream)} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ` +
      // DataFusion puts nulls last in ascending order; SQLite, first.
      `GROUP BY zo_sql_key ORDER BY ${noCount ? '' : 'zo_sql_num DESC, '}zo_sql_key ASC NULLS LAST ` +
      `LIMIT ${size < 0 ? MAX_SIZE : Math.min(size, MAX_SIZE)} OFFSET ${from}`;
    const before = runner.rowsScanned;
    const rows = runner.all(runner.prepare(sql));
    // Each field is its own search there; the answer reports the largest scan.
    scanned = Math.max(scanned, runner.rowsScanned - before);
    hits.push({
      field,
      values: rows.map((r) => ({
        zo_sql_key: keyText(r.zo_sql_key ?? null),
        zo_sql_num: Number(r.zo_sql_num ?? 0),
      })),
    });
  }
  const took = Math.round(performance.now() - started);
  return {
    took,
    took_detail: tookDetail(),
    hits,
    total: fields.length,
    from: 0,
    size,
    cached_ratio: 0,
    scan_size: 0,
    idx_scan_size: 0,
    scan_records: scanned,
    is_partial: false,
    result_cache_ratio: 0,
    peak_memory_usage: 0,
  };
}

/** The rows counted: the WHERE of the base64 `sql` when given, else `filter=col=v1,v2`, else all. */
function whereClause(params: Params, columns: ReadonlyMap<string, unknown> | undefined): string {
  const sql = params.sql ? Buffer.from(params.sql, 'base64url').toString('utf8') : '';
  if (sql.trim() !== '') return whereOf(sql);
  const filter = params.filter ?? '';
  if (filter === '') return '';
  const at = filter.indexOf('=');
  if (at < 0) throw new QueryError('Invalid filter format');
  const column = filter.slice(0, at);
  // Only a column of the stream may be named: the name is spliced into the SQL.
  if (!columns?.has(column)) throw new QueryError('Unknown filter column');
  const values = filter
    .slice(at + 1)
    .split(',')
    .map(sqlString);
  return `${quoteIdent(column)} IN (${values.join(', ')})`;
}

const AFTER_WHERE = new Set([
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
]);

/** The top-level WHERE condition of a SELECT, as OpenObserve's `pickup_where` takes it; '' when none. */
function whereOf(sql: string): string {
  const tokens = tokenize(sql).filter((t) => t.text !== ';');
  const at = tokens.findIndex((t) => t.depth === 0 && t.kind === 'word' && t.text.toUpperCase() === 'WHERE');
  if (at < 0) return '';
  const first = tokens[at + 1];
  if (!first) throw new QueryError('The WHERE clause of the values query is empty');
  const endToken = tokens.find(
    (t, i) => i > at && t.depth === 0 && t.kind === 'word' && AFTER_WHERE.has(t.text.toUpperCase()),
  );
  const last = tokens.at(-1);
  const end = endToken ? endToken.start : (last?.start ?? 0) + (last?.text.length ?? 0);
  return sql.slice(first.start, end).trim();
}

/** OpenObserve gives keys as strings: numbers and booleans in their text form, null as "". */
function keyText(value: HitValue): string {
  return value === null ? '' : String(value);
}
