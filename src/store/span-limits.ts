/**
 * What one span may take of the store. A column is schema: every name lives in `sqlite_master`,
 * which SQLite copies and re-parses on each added column and every connection must load whole, so
 * names and their number are capped; values are capped so a row stays a row. Whatever is cut is
 * counted by reason (`Tally`) and reported to the sender as an OTLP partial-success warning.
 */
import { MAX_COLUMNS } from './stream-schema.ts';

/** Longest attribute key (its column name, flattened and prefixed). Longer ones are dropped. */
export const MAX_KEY_LENGTH = 256;
/** Longest string value, in characters; longer ones (arrays as JSON too) are cut to this. */
export const MAX_VALUE_CHARS = 1024 * 1024;
/**
 * Attributes a span keeps, resource attributes included: OpenObserve's `ZO_COLS_PER_RECORD_LIMIT`
 * default. OpenObserve discards such a record whole; here the first ones are kept.
 */
export const MAX_SPAN_ATTRIBUTES = 1000;
/** Characters of keys and values a span's attributes (resource ones included) may hold. */
export const MAX_SPAN_CHARS = 4 * 1024 * 1024;
/**
 * New columns one span may add to its stream; its other new attributes go to `_overflow`, so no
 * single span uses up the stream's column budget (`MAX_COLUMNS`).
 */
export const MAX_NEW_COLUMNS_PER_SPAN = 200;

/**
 * Streams the store keeps, in all organisations together (both come from the sender: the URL's org and
 * the `stream-name` header). Each is a table with its indexes in `sqlite_master`, which every connection
 * loads whole, and whose space retention cannot give back: spans for a new stream past this are refused.
 */
export const MAX_STREAMS = 1000;

/** Why attributes (or events) were dropped, cut or moved, with how many: the sender's warning. */
export type Tally = Map<string, number>;

export const TRIM = {
  keyTooLong: `attribute(s) dropped: key longer than ${MAX_KEY_LENGTH} characters`,
  tooMany: `attribute(s) dropped: span over ${MAX_SPAN_ATTRIBUTES} attributes`,
  tooBig: `attribute(s) dropped: span attributes over ${MAX_SPAN_CHARS} characters`,
  truncated: `value(s) cut to ${MAX_VALUE_CHARS} characters`,
  events: `event(s) or link(s) dropped: over ${MAX_VALUE_CHARS} characters of JSON`,
  newColumns: `attribute(s) kept in _overflow: span adds over ${MAX_NEW_COLUMNS_PER_SPAN} new columns`,
  streamFull: `attribute(s) kept in _overflow: stream has ${MAX_COLUMNS} columns`,
} as const;

export function count(tally: Tally, reason: string, n = 1): void {
  if (n > 0) tally.set(reason, (tally.get(reason) ?? 0) + n);
}

/** Adds every count of `from` into `into`. */
export function merge(into: Tally, from: Tally): void {
  for (const [reason, n] of from) count(into, reason, n);
}
