/**
 * A finished span (`SpanFields`) in the embedded store's own span model, for the store worker to
 * flatten as it flattens a decoded OTLP request. Every value is what the OTLP protobuf encoder and the
 * store's decoder would have made of it, so the stored row is the same either way (the test in
 * test/store-spans.test.ts compares them column by column); only the encoding in between is gone.
 */
import type { Attributes, SpanContext } from '@opentelemetry/api';
import type { OtlpAttributes, OtlpSpan, OtlpValue } from '../store/otlp/model.ts';
import { hrTime, type SpanFields } from './finished-span.ts';

/** OTLP's span flags: the W3C trace flags, plus "whether the parent is remote is known" and its answer. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const INT64_LIMIT = 2 ** 63;

export function storeSpan(fields: SpanFields): OtlpSpan {
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
    attributes: storeAttributes(fields.attributes),
    events: fields.events.map((e) => ({
      timeNs: nanos(e.atMs),
      name: e.name,
      attributes: storeAttributes(e.attributes),
    })),
    links: [],
    statusCode: fields.status.code,
    statusMessage: fields.status.message ?? '',
    flags: spanFlags(context, fields.parent),
  };
}

/** The resource's or a span's attributes, in the order the OTLP encoder writes them. */
export function storeAttributes(attributes: Attributes): OtlpAttributes {
  const out: OtlpAttributes = [];
  for (const key in attributes) if (Object.hasOwn(attributes, key)) out.push([key, value(attributes[key])]);
  return out;
}

/**
 * As an OTLP AnyValue carries it: integers as int64 (exact, a bigint past 2^53), other numbers as
 * doubles, bytes as base64 text, no value (undefined, null) as an empty AnyValue.
 */
function value(v: unknown): OtlpValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isInteger(v) || v < -INT64_LIMIT || v >= INT64_LIMIT) return v;
      // `+ 0` turns -0 into 0, as an int64 has no negative zero.
      return Number.isSafeInteger(v) ? v + 0 : BigInt(v);
    case 'object':
      if (v === null) return null;
      if (v instanceof Uint8Array)
        return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (Array.isArray(v)) return v.map(value);
      return { kvlist: storeAttributes(v as Attributes) };
    default:
      return null;
  }
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
export function spanBytes(span: OtlpSpan): number {
  let bytes = 256 + span.name.length + span.statusMessage.length;
  bytes += attributesBytes(span.attributes);
  for (const e of span.events) bytes += 64 + e.name.length + attributesBytes(e.attributes);
  return bytes;
}

function attributesBytes(attributes: OtlpAttributes): number {
  let bytes = 0;
  for (const [key, v] of attributes) bytes += 32 + key.length + valueBytes(v);
  return bytes;
}

function valueBytes(v: OtlpValue): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((sum: number, item) => sum + 16 + valueBytes(item), 0);
  if (v !== null && typeof v === 'object') return attributesBytes(v.kvlist);
  return 8;
}
