/**
 * A finished span (`SpanFields`) as the embedded store takes it in-process (`store/otlp/plain.ts`): the
 * fields of its span model with the attributes as they are, not encoded as OTLP. Ids, kind, times,
 * status and flags are what the OTLP protobuf encoder would write for the same span, so the stored row
 * is the same either way (test/store-spans.test.ts compares them column by column).
 */
import type { SpanContext } from '@opentelemetry/api';
import type { PlainAttributes, PlainSpan, PlainValue } from '../store/otlp/plain.ts';
import { hrTime, type SpanFields } from './finished-span.ts';

/** OTLP's span flags: the W3C trace flags, plus "whether the parent is remote is known" and its answer. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

export function storeSpan(fields: SpanFields): PlainSpan {
  const context = fields.context;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: fields.parent?.spanId ?? '',
    traceState: context.traceState?.serialize() ?? '',
    name: fields.name,
    // OTLP numbers span kinds from 1 (the API's INTERNAL is 0, OTLP's 0 is "unspecified").
    kind: fields.kind + 1,
    startNs: nanos(fields.startMs),
    endNs: nanos(fields.endMs),
    // The API's attribute values are a subset of PlainValue; the object itself is handed over, not copied.
    attributes: fields.attributes as PlainAttributes,
    events: fields.events.map((e) => ({
      timeNs: nanos(e.atMs),
      name: e.name,
      attributes: e.attributes as PlainAttributes,
    })),
    statusCode: fields.status.code,
    statusMessage: fields.status.message ?? '',
    flags: spanFlags(context, fields.parent),
  };
}

/** The same nanoseconds the OTLP encoder writes for `hrTime(ms)`. */
function nanos(ms: number): bigint {
  const [seconds, ns] = hrTime(ms);
  return BigInt(seconds) * 1_000_000_000n + BigInt(ns);
}

function spanFlags(context: SpanContext, parent: SpanContext | undefined): number {
  return (context.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0);
}

/**
 * About what a span holds in memory, for the queue's bound: its strings (keys and values) and a fixed
 * share per value and per span. An estimate, cheap enough to take for every span.
 */
export function spanBytes(span: PlainSpan): number {
  let bytes = 256 + span.name.length + span.statusMessage.length + attributesBytes(span.attributes);
  for (const e of span.events) bytes += 64 + e.name.length + attributesBytes(e.attributes);
  return bytes;
}

function attributesBytes(attributes: PlainAttributes): number {
  let bytes = 0;
  for (const key in attributes) bytes += 32 + key.length + valueBytes(attributes[key]);
  return bytes;
}

function valueBytes(v: PlainValue): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((sum: number, item) => sum + 16 + valueBytes(item), 0);
  return 8;
}
