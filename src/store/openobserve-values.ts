/**
 * Values as OpenObserve returns them. OpenObserve turns every span, resource, event and link attribute
 * into a string at ingest (`200` → `"200"`, `true` → `"true"`, `0.5` → `"0.5"`), then makes its token
 * and cost columns numbers again; only the span's own columns keep their types. The store keeps
 * attribute columns typed, so `WHERE llm_token_count_total > 100` compares numbers, and gives them back
 * as strings here, so a client reads the same hit from either: every answer that returns stored rows
 * goes through `hitValue` (the query runner calls it per column). Values that are text when stored
 * (arrays, and the attributes inside the events and links JSON) are written in that form at ingest
 * (`otlpText`).
 */
import type { OtlpValue } from './otlp/model.ts';

/** Span columns OpenObserve writes as numbers: times, duration, the status code and flags. */
const SPAN_NUMBERS = ['_timestamp', 'start_time', 'end_time', 'duration', 'status_code', 'flags'];

/** Integer columns OpenObserve's ingest makes numbers again (GEN_AI_INT64_FIELDS there). */
export const GEN_AI_INTEGERS = [
  'gen_ai_usage_input_tokens',
  'gen_ai_usage_output_tokens',
  'gen_ai_usage_total_tokens',
  'gen_ai_usage_cache_read_input_tokens',
  'gen_ai_usage_cache_creation_input_tokens',
];

/** Float columns OpenObserve's ingest makes numbers again (GEN_AI_FLOAT64_FIELDS there). */
export const GEN_AI_FLOATS = [
  'gen_ai_response_time_to_first_chunk',
  'gen_ai_usage_cost',
  'gen_ai_usage_cost_input',
  'gen_ai_usage_cost_output',
  'gen_ai_usage_cost_cache_read_input',
  'gen_ai_usage_cost_cache_creation_input',
  'gen_ai_usage_cost_estimated_without_cache',
  'gen_ai_usage_cost_cache_read_savings',
  'gen_ai_usage_cost_net_cache_impact',
];

const NUMBER_COLUMNS: ReadonlySet<string> = new Set([...SPAN_NUMBERS, ...GEN_AI_INTEGERS, ...GEN_AI_FLOATS]);

export type HitValue = string | number | bigint | boolean | null;

/**
 * A stored column's value as OpenObserve answers it: numbers and booleans of attribute columns become
 * the strings OpenObserve stored. `column` is the stream column the value comes from; values computed
 * by the query (counts, sums, expressions) are not stored columns and keep their types.
 */
export function hitValue(column: string, value: HitValue): HitValue {
  if (value === null || typeof value === 'string' || NUMBER_COLUMNS.has(column)) return value;
  return attributeText(value);
}

/** An attribute value as OpenObserve stores it: Rust's `to_string` of the OTLP value. */
export function attributeText(value: number | bigint | boolean): string {
  if (typeof value !== 'number') return String(value);
  return rustFloat(value);
}

/**
 * An OTLP value as OpenObserve keeps it inside JSON (array attributes, events, links): scalars as
 * strings, arrays and key-value lists with their items converted the same way, nulls kept.
 */
export function otlpText(value: OtlpValue): unknown {
  if (value === null || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(otlpText);
  if (typeof value === 'object') return Object.fromEntries(value.kvlist.map(([k, v]) => [k, otlpText(v)]));
  return attributeText(value);
}

/**
 * Rust's Display of an f64 (how OpenObserve writes an OTLP double): the shortest digits that read back
 * the same, like JavaScript's, but never in exponent form (`1e21` → `1000000000000000000000`,
 * `1e-7` → `0.0000001`), and `inf`, `-inf`, `NaN`.
 */
export function rustFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(n, -0)) return '-0';
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const sign = text.startsWith('-') ? '-' : '';
  const mantissa = text.slice(sign.length, e);
  const exponent = Number(text.slice(e + 1));
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  // Where the decimal point falls within `digits`.
  const point = whole.length + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
