/**
 * OTLP trace data as both wire formats decode to it: ids as lowercase hex (whatever their length, so
 * that bad ids can be counted as rejected rather than failing the batch), times as bigint nanoseconds.
 */

/** An attribute value: OTLP's AnyValue with arrays and key-value lists kept structured. */
export type OtlpValue = string | number | bigint | boolean | OtlpValue[] | OtlpKeyValues | null;

/** A key-value list, in the order it arrived. */
export interface OtlpKeyValues {
  readonly kvlist: Array<[string, OtlpValue]>;
}

export type OtlpAttributes = Array<[string, OtlpValue]>;

export interface OtlpEvent {
  timeNs: bigint;
  name: string;
  attributes: OtlpAttributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttributes;
  /** The linked span's W3C trace flags (OTLP's `Link.flags`). */
  flags: number;
  droppedAttributesCount: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: OtlpAttributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  statusCode: number;
  statusMessage: string;
  flags: number;
}

export interface OtlpResourceSpans {
  resource: OtlpAttributes;
  spans: OtlpSpan[];
}

/** Deepest nesting of array and kvlist values: deeper ones overflow the stack when stored as JSON. */
export const MAX_VALUE_DEPTH = 64;

/** A body that could not be decoded at all: the whole request is refused, 400 unless said otherwise. */
export class OtlpDecodeError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
