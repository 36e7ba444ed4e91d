/**
 * OTLP/protobuf with protobufjs and the specification's schema: the response encoder, and the generic
 * decoder that the fast reader (read-proto.ts) is tested against.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import {
  type OtlpAttributes,
  OtlpDecodeError,
  type OtlpKeyValues,
  type OtlpResourceSpans,
  type OtlpSpan,
  type OtlpValue,
} from './model.ts';

const root = protobuf.parse(readFileSync(new URL('./trace.proto', import.meta.url), 'utf8')).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const ResponseType = root.lookupType('otlp.ExportTraceServiceResponse');

/** protobufjs hands out 64-bit integers as `Long` objects when the long package is present, else numbers. */
interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}
type Int64 = LongLike | number | undefined | null;

interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbAnyValue {
  value?: string;
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | null;
  arrayValue?: { values?: PbAnyValue[] } | null;
  kvlistValue?: { values?: PbKeyValue[] } | null;
  bytesValue?: Uint8Array | null;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  traceState?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: PbKeyValue[];
  events?: Array<{ timeUnixNano?: Int64; name?: string; attributes?: PbKeyValue[] }>;
  links?: Array<{
    traceId?: Uint8Array;
    spanId?: Uint8Array;
    traceState?: string;
    attributes?: PbKeyValue[];
    droppedAttributesCount?: number;
    flags?: number;
  }>;
  status?: { code?: number; message?: string } | null;
  flags?: number;
}
interface PbRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: PbKeyValue[] } | null;
    scopeSpans?: Array<{ spans?: PbSpan[] }>;
  }>;
}

export function decodeProtobuf(bytes: Uint8Array): OtlpResourceSpans[] {
  let message: PbRequest;
  try {
    message = RequestType.decode(bytes) as unknown as PbRequest;
  } catch (err) {
    throw new OtlpDecodeError(`Invalid proto: ${err instanceof Error ? err.message : String(err)}`);
  }
  return (message.resourceSpans ?? []).map((rs) => ({
    resource: attributes(rs.resource?.attributes),
    spans: (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map(span)),
  }));
}

/**
 * The protobuf `ExportTraceServiceResponse`, with a partial success when spans were rejected or cut;
 * with none rejected, the message is a warning (OTLP's partial success with `rejected_spans` 0).
 */
export function encodeProtobufResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const body =
    rejectedSpans > 0 || errorMessage !== '' ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return ResponseType.encode(ResponseType.create(body)).finish();
}

function span(s: PbSpan): OtlpSpan {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    traceState: s.traceState ?? '',
    name: s.name ?? '',
    kind: s.kind ?? 0,
    startNs: nanos(s.startTimeUnixNano),
    endNs: nanos(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    events: (s.events ?? []).map((e) => ({
      timeNs: nanos(e.timeUnixNano),
      name: e.name ?? '',
      attributes: attributes(e.attributes),
    })),
    links: (s.links ?? []).map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: l.traceState ?? '',
      attributes: attributes(l.attributes),
      flags: l.flags ?? 0,
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    statusCode: s.status?.code ?? 0,
    statusMessage: s.status?.message ?? '',
    flags: s.flags ?? 0,
  };
}

function attributes(list: PbKeyValue[] | undefined): OtlpAttributes {
  return (list ?? []).map((kv) => [kv.key, value(kv.value)]);
}

/** protobufjs names the set member of a oneof in `value`; unset members read as their defaults. */
function value(v: PbAnyValue | null | undefined): OtlpValue {
  switch (v?.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ?? false;
    case 'intValue':
      return int(v.intValue);
    case 'doubleValue':
      return v.doubleValue ?? 0;
    case 'arrayValue':
      return (v.arrayValue?.values ?? []).map(value);
    case 'kvlistValue':
      return { kvlist: attributes(v.kvlistValue?.values) } satisfies OtlpKeyValues;
    case 'bytesValue':
      return Buffer.from(v.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

function bigint(v: Int64): bigint {
  if (v == null) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  const n = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? n : BigInt.asIntN(64, n);
}

function nanos(v: Int64): bigint {
  return BigInt.asUintN(64, bigint(v));
}

/** Integers that fit a double exactly stay numbers; larger ones stay exact as bigint. */
function int(v: Int64): number | bigint {
  const n = bigint(v);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length > 0
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
    : '';
}
