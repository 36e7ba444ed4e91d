/**
 * Spans handed to the store in-process as plain data: the span model's fields, with attributes as a
 * plain object (`{ key: value }`, as the OpenTelemetry API holds them) rather than the model's key-value
 * pairs. A plain object costs a fraction of the pairs to copy between threads (one object, not one array
 * per attribute), so the sender hands it over as it is and the worker converts it here. Each value
 * becomes what the OTLP encoder would make of it and the store's decoder read back, so a span stored
 * this way is stored exactly as if it had arrived as OTLP.
 */
import type { OtlpAttributes, OtlpResourceSpans, OtlpSpan, OtlpValue } from './model.ts';

/** An attribute value as the OpenTelemetry API takes it (absent values included). */
export type PlainValue = string | number | boolean | null | undefined | PlainValue[];

export type PlainAttributes = Readonly<Record<string, PlainValue>>;

export interface PlainEvent {
  timeNs: bigint;
  name: string;
  attributes: PlainAttributes;
}

/** A span without links (the gateway's spans have none). */
export interface PlainSpan extends Omit<OtlpSpan, 'attributes' | 'events' | 'links'> {
  attributes: PlainAttributes;
  events: PlainEvent[];
}

export interface PlainResourceSpans {
  resource: PlainAttributes;
  spans: PlainSpan[];
}

const INT64_LIMIT = 2 ** 63;

export function fromPlain(batch: PlainResourceSpans[]): OtlpResourceSpans[] {
  return batch.map((rs) => ({
    resource: plainAttributes(rs.resource),
    spans: rs.spans.map((span) => ({
      ...span,
      attributes: plainAttributes(span.attributes),
      events: span.events.map((e) => ({ ...e, attributes: plainAttributes(e.attributes) })),
      links: [],
    })),
  }));
}

/** In the order the OTLP encoder writes them: an object's own keys, in enumeration order. */
export function plainAttributes(attributes: PlainAttributes): OtlpAttributes {
  const out: OtlpAttributes = [];
  for (const key of Object.keys(attributes)) out.push([key, plainValue(attributes[key])]);
  return out;
}

/**
 * As an OTLP AnyValue carries it: integers as int64 (exact, a bigint past 2^53), other numbers as
 * doubles, no value (undefined, null) as an empty AnyValue; anything else (not an attribute value)
 * as none either.
 */
function plainValue(v: PlainValue): OtlpValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isInteger(v) || v < -INT64_LIMIT || v >= INT64_LIMIT) return v;
      // `+ 0` turns -0 into 0, as an int64 has no negative zero.
      return Number.isSafeInteger(v) ? v + 0 : BigInt(v);
    default:
      return Array.isArray(v) ? v.map(plainValue) : null;
  }
}
