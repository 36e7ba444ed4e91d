/**
 * OTLP spans → rows exactly as OpenObserve stores them (shared/reference/openobserve.md): flattened
 * attribute keys, `service_` resource prefix, `attr_` on collisions, nanosecond start/end, microsecond
 * `duration` and `_timestamp`, status and kind as strings, events and links as JSON strings in
 * OpenObserve's shapes, their attribute values as its strings. Attribute columns stay typed (answers
 * give them as OpenObserve's strings: openobserve-values.ts). Spans OpenObserve rejects (bad ids, start
 * time out of range) are counted, not stored. Each row keeps within the span limits (span-limits.ts);
 * what is cut is tallied for the sender.
 */
import { attributeColumn, type Cell, columnName, type Row } from './columns.ts';
import { stringify } from './json.ts';
import { isLlmSpan } from './llm/gen-ai-operation.ts';
import { normalizeLlmColumns } from './llm/normalize.ts';
import { attributeMap, enrichLlmSpan } from './llm/processor.ts';
import { isExplicitServiceName, serviceNameFromSpan } from './llm/service.ts';
import type { Attrs } from './llm/values.ts';
import { otlpText, rustFloat } from './openobserve-values.ts';
import type { OtlpAttributes, OtlpLink, OtlpResourceSpans, OtlpSpan, OtlpValue } from './otlp/model.ts';
import {
  count,
  MAX_KEY_LENGTH,
  MAX_SPAN_ATTRIBUTES,
  MAX_SPAN_CHARS,
  MAX_VALUE_CHARS,
  type Tally,
  TRIM,
} from './span-limits.ts';

const STATUS = ['UNSET', 'OK', 'ERROR'];
const HOUR_NS = 3_600_000_000_000n;
/** OpenObserve's ingest window: a span may start at most 5 hours ago and 24 hours ahead. */
const MAX_AGE_NS = 5n * HOUR_NS;
const MAX_AHEAD_NS = 24n * HOUR_NS;

export interface Flattened {
  rows: Row[];
  rejected: number;
  /** Why spans were rejected, for the partial-success message. */
  reasons: Map<string, number>;
  /** What was cut from the stored spans, and why: a partial-success warning. */
  trimmed: Tally;
}

/** A row being filled, and what it has used of the span limits. */
interface Target {
  row: Row;
  attributes: number;
  chars: number;
  tally: Tally;
}

export function flattenTraces(batch: OtlpResourceSpans[], stream: string, nowMs = Date.now()): Flattened {
  const now = BigInt(Math.trunc(nowMs)) * 1_000_000n;
  const out: Flattened = { rows: [], rejected: 0, reasons: new Map(), trimmed: new Map() };
  for (const rs of batch) {
    // Resource attributes are copied into each span's row, so they count against each span's limits.
    const resource: Target = { row: Object.create(null), attributes: 0, chars: 0, tally: out.trimmed };
    let serviceName = stream;
    let sent: string | undefined;
    for (const [key, value] of rs.resource) {
      // OpenObserve keeps `service.name` as the service_name column only, without a prefixed copy.
      if (key === 'service.name') {
        if (typeof value === 'string') serviceName = sent = cut(value, out.trimmed);
        continue;
      }
      // Checked before naming: a megabyte key is neither lowercased nor scanned.
      if (tooLong('service_'.length + key.length, out.trimmed)) continue;
      put(resource, `service_${columnName(key)}`, value);
    }
    const llm: LlmContext = { named: isExplicitServiceName(sent) };
    for (const span of rs.spans) {
      const reason = rejection(span, now);
      if (reason) {
        out.rejected++;
        out.reasons.set(reason, (out.reasons.get(reason) ?? 0) + 1);
        continue;
      }
      let attributes: Iterable<[string, OtlpValue]> = span.attributes;
      // One set lookup per attribute decides; only LLM spans pay for the enrichment. The span model
      // keeps no instrumentation scope, so the Vercel AI SDK's (`ai`) goes unrecognised.
      if (isLlmSpan(span.attributes, undefined)) {
        const attrs = attributeMap(span.attributes);
        if (!llm.named) {
          // As OpenObserve: a span's Langfuse source names the service for it and the resource's later spans.
          const named = serviceNameFromSpan(attrs);
          if (named !== undefined) [serviceName, llm.named] = [cut(named, out.trimmed), true];
        }
        llm.map ??= attributeMap(rs.resource);
        attributes = enrichLlmSpan(attrs, span, llm.map, undefined);
      }
      out.rows.push(spanRow(span, attributes, resource, serviceName, out.trimmed));
    }
  }
  return out;
}

/** The partial-success message: each reason with its count. */
export function rejectionMessage(reasons: Map<string, number>): string {
  return [...reasons].map(([reason, n]) => `${n} span(s): ${reason}`).join('; ');
}

/** The partial-success warning about stored spans: `3 attribute(s) dropped: …`. */
export function trimMessage(trimmed: Tally): string {
  return [...trimmed].map(([reason, n]) => `${n} ${reason}`).join('; ');
}

function rejection(span: OtlpSpan, now: bigint): string | undefined {
  if (span.traceId.length !== 32 || /^0+$/.test(span.traceId)) return 'trace id is not 16 bytes';
  if (span.spanId.length !== 16 || /^0+$/.test(span.spanId)) return 'span id is not 8 bytes';
  if (span.startNs < now - MAX_AGE_NS) return 'start time is more than 5 hours old';
  if (span.startNs > now + MAX_AHEAD_NS) return 'start time is more than 24 hours in the future';
  return undefined;
}

/** What LLM enrichment needs of a resource: its attributes by key (made once), whether it names its service. */
interface LlmContext {
  map?: Attrs;
  named: boolean;
}

function spanRow(
  span: OtlpSpan,
  attributes: Iterable<[string, OtlpValue]>,
  resource: Target,
  serviceName: string,
  tally: Tally,
): Row {
  const target: Target = { ...resource, row: Object.assign(Object.create(null), resource.row), tally };
  const row = target.row;
  for (const [key, value] of attributes) {
    if (tooLong(key.length, tally)) continue;
    put(target, attributeColumn(key), value);
  }
  // A span that ends before it starts (clock skew) is stored with zero duration.
  let end = span.endNs;
  if (end < span.startNs) end = span.startNs;
  row._timestamp = micros(span.startNs);
  row.trace_id = span.traceId;
  row.span_id = span.spanId;
  if (span.parentSpanId !== '') {
    row.reference_parent_span_id = span.parentSpanId;
    row.reference_parent_trace_id = span.traceId;
    row.reference_ref_type = 'ChildOf';
  }
  row.operation_name = cut(span.name, tally);
  row.service_name = serviceName;
  row.span_kind = String(span.kind);
  row.span_status = STATUS[span.statusCode] ?? 'UNSET';
  row.status_code = span.statusCode;
  row.status_message = cut(span.statusMessage, tally);
  row.start_time = exact(span.startNs);
  row.end_time = exact(end);
  row.duration = micros(end - span.startNs);
  // OpenObserve's Event: name and time, the attributes beside them.
  row.events = jsonList(
    span.events.map((e) => ({
      name: e.name,
      _timestamp: exact(e.timeNs),
      ...texts(e.attributes, EVENT_FIELDS),
    })),
    tally,
  );
  // OpenObserve's SpanLink: the linked span in `context` (camelCase), the attributes beside it. A link
  // with a malformed id is left out (the span is kept), as there.
  row.links = jsonList(
    span.links
      .filter((l) => l.traceId.length === 32 && l.spanId.length === 16)
      .map((l: OtlpLink) => ({
        context: { traceId: l.traceId, spanId: l.spanId, traceFlags: l.flags, traceState: l.traceState },
        ...texts(l.attributes, LINK_FIELDS),
        droppedAttributesCount: l.droppedAttributesCount,
      })),
    tally,
  );
  row.flags = 1;
  normalizeLlmColumns(row);
  return row;
}

/**
 * Scalars are stored as they are, nested lists flatten with `_`, arrays become JSON, nulls are dropped;
 * within the span limits, counting what does not fit.
 */
function put(target: Target, column: string, value: OtlpValue): void {
  // OpenObserve stores neither nulls nor empty arrays.
  if (value === null || (Array.isArray(value) && value.length === 0)) return;
  if (tooLong(column.length, target.tally)) return;
  if (!Array.isArray(value) && typeof value === 'object') {
    // A nested key can land on a core column (`trace: {id}` → trace_id): it is an attribute all the same.
    for (const [key, inner] of value.kvlist) {
      if (tooLong(column.length + 1 + key.length, target.tally)) continue;
      put(target, attributeColumn(`${column}_${key}`), inner);
    }
    return;
  }
  const fresh = target.row[column] === undefined;
  if (fresh && target.attributes >= MAX_SPAN_ATTRIBUTES) {
    count(target.tally, TRIM.tooMany);
    return;
  }
  let cell = cellOf(value);
  // A cut value is counted once stored: a dropped attribute counts as dropped only.
  const long = typeof cell === 'string' && cell.length > MAX_VALUE_CHARS;
  if (long) cell = (cell as string).slice(0, MAX_VALUE_CHARS);
  const chars = column.length + (typeof cell === 'string' ? cell.length : 8);
  if (target.chars + chars > MAX_SPAN_CHARS) {
    count(target.tally, TRIM.tooBig);
    return;
  }
  if (long) count(target.tally, TRIM.truncated);
  target.row[column] = cell;
  target.chars += chars;
  if (fresh) target.attributes++;
}

/** Arrays are JSON text with their items as OpenObserve's strings (`[1,2]` → `["1","2"]`); `inf`, `NaN` are text. */
function cellOf(value: Exclude<OtlpValue, null>): Cell {
  if (Array.isArray(value)) return stringify(otlpText(value));
  if (typeof value === 'number' && !Number.isFinite(value)) return rustFloat(value);
  return value as Cell;
}

/** Counts a key that is over the limit; `length` is its (flattened) length. */
function tooLong(length: number, tally: Tally): boolean {
  if (length <= MAX_KEY_LENGTH) return false;
  count(tally, TRIM.keyTooLong);
  return true;
}

function cut(text: string, tally: Tally): string {
  if (text.length <= MAX_VALUE_CHARS) return text;
  count(tally, TRIM.truncated);
  return text.slice(0, MAX_VALUE_CHARS);
}

/** A JSON array of the items that fit in one value; the others are counted, not stored. */
function jsonList(items: unknown[], tally: Tally): string {
  if (items.length === 0) return '[]';
  const parts: string[] = [];
  let chars = 2;
  for (const item of items) {
    const text = stringify(item);
    if (chars + text.length + 1 > MAX_VALUE_CHARS) {
      count(tally, TRIM.events);
      continue;
    }
    parts.push(text);
    chars += text.length + 1;
  }
  return `[${parts.join(',')}]`;
}

const EVENT_FIELDS: ReadonlySet<string> = new Set(['name', '_timestamp']);
const LINK_FIELDS: ReadonlySet<string> = new Set(['context', 'droppedAttributesCount']);

/**
 * Event and link attributes keep their keys as sent and their values as OpenObserve's strings, inside
 * the JSON; one named like the object's own fields would hide them, so it is left out.
 */
function texts(attributes: OtlpAttributes, own: ReadonlySet<string>): Record<string, unknown> {
  // No prototype: a `__proto__` attribute is a key like any other.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of attributes) if (!own.has(key)) out[key] = otlpText(value);
  return out;
}

function micros(ns: bigint): number {
  return Number(ns / 1000n);
}

function exact(ns: bigint): number | bigint {
  return ns <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ns) : ns;
}
