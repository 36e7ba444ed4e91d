/**
 * The `_search` request body, read as OpenObserve reads it: `query.sql`, `query.start_time` and
 * `query.end_time` are required, times and paging are 64-bit integers, flags are booleans, and a body
 * that does not fit is refused before any search runs, as its JSON extractor refuses it — a 422 in
 * plain text, `Failed to deserialize the JSON body into the target type: query: missing field
 * `start_time` at line 1 column 42`.
 */
import { locate, position } from './json-position.ts';
import { QueryError } from './query-error.ts';

export interface SearchRequest {
  sql: string;
  startUs: number;
  endUs: number;
  from: number;
  /** As sent: 0 and negative values have OpenObserve's meanings (see `search.ts`). */
  size: number;
  trackTotalHits: boolean;
}

/** OpenObserve's `ZO_QUERY_DEFAULT_LIMIT` default: the page when `size` is absent. */
export const DEFAULT_SIZE = 1000;

type Kind = 'i64' | 'bool' | 'string';
/** The fields of OpenObserve's search query a client is likely to send, with their types. */
const QUERY_FIELDS: Record<string, Kind> = {
  sql: 'string',
  start_time: 'i64',
  end_time: 'i64',
  from: 'i64',
  size: 'i64',
  track_total_hits: 'bool',
  quick_mode: 'bool',
  query_type: 'string',
  histogram_interval: 'i64',
  skip_wal: 'bool',
  streaming_output: 'bool',
};
const REQUIRED = ['sql', 'start_time', 'end_time'];
const I64_MAX = 2n ** 63n - 1n;

/**
 * Checks `body` in document order, as serde does, and returns the request. `text` is the raw body, for
 * the position OpenObserve's messages end with; in-process callers pass none.
 */
export function readSearchBody(body: unknown, text?: string): SearchRequest {
  // The position is the value's last character: the closing brace for a missing field.
  const refuse = (path: string[], detail: string): never => {
    const span = text === undefined ? undefined : locate(text, path);
    const where = span === undefined || text === undefined ? '' : position(text, span[1]);
    const prefix = path.length > 0 ? `${path.join('.')}: ` : '';
    throw new QueryError(
      `Failed to deserialize the JSON body into the target type: ${prefix}${detail}${where}`,
      422,
      { text: true },
    );
  };
  if (!isObject(body)) return refuse([], `invalid type: ${unexpected(body)}, expected struct Request`);
  let query: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'encoding' && value !== 'base64' && value !== '')
      refuse(
        ['encoding'],
        typeof value === 'string'
          ? `unknown variant \`${value}\`, expected \`base64\` or \`\``
          : `invalid type: ${unexpected(value)}, expected a string`,
      );
    if (key !== 'query') continue;
    if (!isObject(value))
      return refuse(['query'], `invalid type: ${unexpected(value)}, expected struct Query`);
    for (const [name, field] of Object.entries(value)) {
      const kind = QUERY_FIELDS[name];
      const wrong = kind === undefined ? undefined : typeError(field, kind, text, ['query', name]);
      if (wrong) refuse(['query', name], wrong);
    }
    for (const name of REQUIRED) if (!(name in value)) refuse(['query'], `missing field \`${name}\``);
    query = value;
  }
  if (query === undefined) return refuse([], 'missing field `query`');
  const sql = String(query.sql);
  return {
    sql: body.encoding === 'base64' ? Buffer.from(sql, 'base64').toString('utf8') : sql,
    startUs: toNumber(query.start_time),
    endUs: toNumber(query.end_time),
    from: query.from === undefined ? 0 : toNumber(query.from),
    size: query.size === undefined ? DEFAULT_SIZE : toNumber(query.size),
    trackTotalHits: query.track_total_hits === true,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** serde's wording of the value it got instead (`string "x"`, `floating point `1.5``, `map`, …). */
function unexpected(value: unknown, raw?: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'sequence';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number') {
    const isFloat = raw !== undefined ? /[.eE]/.test(raw) : !Number.isInteger(value);
    if (!isFloat) return `integer \`${raw ?? value}\``;
    return `floating point \`${Number.isInteger(value) ? `${value}.0` : value}\``;
  }
  return 'unit value';
}

function typeError(value: unknown, kind: Kind, text: string | undefined, path: string[]): string | undefined {
  const span = text === undefined ? undefined : locate(text, path);
  const raw = span === undefined || text === undefined ? undefined : text.slice(span[0], span[1] + 1);
  if (kind === 'string')
    return typeof value === 'string'
      ? undefined
      : `invalid type: ${unexpected(value, raw)}, expected a string`;
  if (kind === 'bool')
    return typeof value === 'boolean'
      ? undefined
      : `invalid type: ${unexpected(value, raw)}, expected a boolean`;
  const integral =
    typeof value === 'number' && Number.isInteger(value) && (raw === undefined || !/[.eE]/.test(raw));
  if (!integral) return `invalid type: ${unexpected(value, raw)}, expected i64`;
  // Past i64 (up to u64) serde still reads an integer, and refuses its value.
  if (BigInt(raw ?? Math.trunc(value)) > I64_MAX)
    return `invalid value: integer \`${raw ?? value}\`, expected i64`;
  return undefined;
}

/** Times past 2^53 (the year 2255) keep the largest exact microsecond: "far in the future" stays so. */
function toNumber(value: unknown): number {
  const n = Number(value);
  return Math.max(Math.min(n, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}
