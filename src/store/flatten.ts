/**
 * OTLP spans → rows exactly as OpenObserve stores them (shared/reference/openobserve.md): flattened
 * attribute keys, `service_` resource prefix, `attr_` on collisions, nanosecond start/end, microsecond
 * `duration` and `_timestamp`, status and kind as strings, events and links as JSON strings. Spans
 * OpenObserve rejects (bad ids, start time out of range) are counted, not stored.
 */
import { attributeColumn, type Cell, columnName, type Row } from './columns.ts';
import { enrichLlmRow } from './enrich.ts';
import { stringify } from './json.ts';
import type { OtlpAttributes, OtlpResourceSpans, OtlpSpan, OtlpValue } from './otlp/model.ts';

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
}

export function flattenTraces(batch: OtlpResourceSpans[], stream: string, nowMs = Date.now()): Flattened {
  const now = BigInt(Math.trunc(nowMs)) * 1_000_000n;
  const out: Flattened = { rows: [], rejected: 0, reasons: new Map() };
  for (const rs of batch) {
    const resource: Row = Object.create(null);
    let serviceName = stream;
    for (const [key, value] of rs.resource) {
      // OpenObserve keeps `service.name` as the service_name column only, without a prefixed copy.
      if (key === 'service.name') {
        if (typeof value === 'string') serviceName = value;
        continue;
      }
      put(resource, `service_${columnName(key)}`, value);
    }
    for (const span of rs.spans) {
      const reason = rejection(span, now);
      if (reason) {
        out.rejected++;
        out.reasons.set(reason, (out.reasons.get(reason) ?? 0) + 1);
        continue;
      }
      out.rows.push(spanRow(span, resource, serviceName));
    }
  }
  return out;
}

/** The partial-success message: each reason with its count. */
export function rejectionMessage(reasons: Map<string, number>): string {
  return [...reasons].map(([reason, n]) => `${n} span(s): ${reason}`).join('; ');
}

function rejection(span: OtlpSpan, now: bigint): string | undefined {
  if (span.traceId.length !== 32 || /^0+$/.test(span.traceId)) return 'trace id is not 16 bytes';
  if (span.spanId.length !== 16 || /^0+$/.test(span.spanId)) return 'span id is not 8 bytes';
  if (span.startNs < now - MAX_AGE_NS) return 'start time is more than 5 hours old';
  if (span.startNs > now + MAX_AHEAD_NS) return 'start time is more than 24 hours in the future';
  return undefined;
}

function spanRow(span: OtlpSpan, resource: Row, serviceName: string): Row {
  const row: Row = Object.assign(Object.create(null), resource);
  for (const [key, value] of span.attributes) put(row, attributeColumn(key), value);
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
  row.operation_name = span.name;
  row.service_name = serviceName;
  row.span_kind = String(span.kind);
  row.span_status = STATUS[span.statusCode] ?? 'UNSET';
  row.status_code = span.statusCode;
  row.status_message = span.statusMessage;
  row.start_time = exact(span.startNs);
  row.end_time = exact(end);
  row.duration = micros(end - span.startNs);
  row.events =
    span.events.length === 0
      ? '[]'
      : stringify(
          span.events.map((e) => ({ ...plain(e.attributes), name: e.name, _timestamp: exact(e.timeNs) })),
        );
  row.links =
    span.links.length === 0
      ? '[]'
      : stringify(
          span.links.map((l) => ({
            context: { trace_id: l.traceId, span_id: l.spanId, trace_state: l.traceState },
            attributes: plain(l.attributes),
          })),
        );
  row.flags = 1;
  enrichLlmRow(row);
  return row;
}

/** Scalars are stored as they are, nested lists flatten with `_`, arrays become JSON, nulls are dropped. */
function put(row: Row, column: string, value: OtlpValue): void {
  if (value === null) return;
  if (Array.isArray(value)) {
    row[column] = stringify(value.map(json));
  } else if (typeof value === 'object') {
    // A nested key can land on a core column (`trace: {id}` → trace_id): it is an attribute all the same.
    for (const [key, inner] of value.kvlist) put(row, attributeColumn(`${column}_${key}`), inner);
  } else if (typeof value === 'number' && !Number.isFinite(value)) {
    row[column] = String(value);
  } else {
    row[column] = value as Cell;
  }
}

/** Event and link attributes keep their keys as sent, as OpenObserve stores them inside the JSON. */
function plain(attributes: OtlpAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of attributes) if (value !== null) out[key] = json(value);
  return out;
}

function json(value: OtlpValue): unknown {
  if (Array.isArray(value)) return value.map(json);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(value.kvlist.map(([k, v]) => [k, json(v)]));
  return value;
}

function micros(ns: bigint): number {
  return Number(ns / 1000n);
}

function exact(ns: bigint): number | bigint {
  return ns <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ns) : ns;
}
