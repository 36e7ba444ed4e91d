/**
 * OTLP/JSON → OtlpResourceSpans. The specification's JSON mapping: lowerCamelCase keys (snake_case is
 * accepted too, as protobuf JSON parsers do), ids as hex, 64-bit integers as numbers or strings.
 */
import {
  MAX_VALUE_DEPTH,
  type OtlpAttributes,
  OtlpDecodeError,
  type OtlpResourceSpans,
  type OtlpSpan,
  type OtlpValue,
} from './model.ts';

type Json = Record<string, unknown>;

export function decodeJson(text: string): OtlpResourceSpans[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`Invalid json: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(body))
    throw new OtlpDecodeError('Invalid json: the body is not an ExportTraceServiceRequest object');
  if (!('resourceSpans' in body) && !('resource_spans' in body))
    throw new OtlpDecodeError(`Invalid json: missing field \`resourceSpans\` at ${closingBrace(text)}`);
  return list(body, 'resourceSpans', 'resource_spans').map((rs) => {
    const resource = field(rs, 'resource');
    return {
      resource: attributes(isObject(resource) ? resource : {}),
      spans: list(rs, 'scopeSpans', 'scope_spans').flatMap((ss) => list(ss, 'spans', 'spans').map(span)),
    };
  });
}

function span(s: Json): OtlpSpan {
  const status = field(s, 'status');
  return {
    traceId: id(field(s, 'traceId', 'trace_id')),
    spanId: id(field(s, 'spanId', 'span_id')),
    parentSpanId: id(field(s, 'parentSpanId', 'parent_span_id')),
    traceState: text(field(s, 'traceState', 'trace_state')),
    name: text(field(s, 'name')),
    kind: kind(field(s, 'kind')),
    startNs: nanos(field(s, 'startTimeUnixNano', 'start_time_unix_nano')),
    endNs: nanos(field(s, 'endTimeUnixNano', 'end_time_unix_nano')),
    attributes: attributes(s),
    events: list(s, 'events', 'events').map((e) => ({
      timeNs: nanos(field(e, 'timeUnixNano', 'time_unix_nano')),
      name: text(field(e, 'name')),
      attributes: attributes(e),
    })),
    links: list(s, 'links', 'links').map((l) => ({
      traceId: id(field(l, 'traceId', 'trace_id')),
      spanId: id(field(l, 'spanId', 'span_id')),
      traceState: text(field(l, 'traceState', 'trace_state')),
      attributes: attributes(l),
      flags: Number(scalar(field(l, 'flags') ?? 0)) || 0,
      droppedAttributesCount:
        Number(scalar(field(l, 'droppedAttributesCount', 'dropped_attributes_count') ?? 0)) || 0,
    })),
    statusCode: isObject(status) ? statusCode(field(status, 'code')) : 0,
    statusMessage: isObject(status) ? text(field(status, 'message')) : '',
    flags: Number(scalar(field(s, 'flags') ?? 0)) || 0,
  };
}

function attributes(owner: Json): OtlpAttributes {
  return list(owner, 'attributes', 'attributes').map((kv) => [
    text(field(kv, 'key')),
    value(field(kv, 'value')),
  ]);
}

function value(v: unknown, depth = 0): OtlpValue {
  if (!isObject(v)) return null;
  if (depth > MAX_VALUE_DEPTH)
    throw new OtlpDecodeError(`Invalid json: attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  const s = field(v, 'stringValue', 'string_value');
  if (s != null) return text(s);
  const b = field(v, 'boolValue', 'bool_value');
  if (b != null) return b === true || b === 'true';
  const i = field(v, 'intValue', 'int_value');
  if (i != null) return int(i);
  const d = field(v, 'doubleValue', 'double_value');
  if (d != null) return Number(scalar(d));
  const a = field(v, 'arrayValue', 'array_value');
  if (isObject(a)) return list(a, 'values', 'values').map((e) => value(e, depth + 1));
  const kv = field(v, 'kvlistValue', 'kvlist_value');
  if (isObject(kv))
    return {
      kvlist: list(kv, 'values', 'values').map((e) => [
        text(field(e, 'key')),
        value(field(e, 'value'), depth + 1),
      ]),
    };
  const bytes = field(v, 'bytesValue', 'bytes_value');
  if (bytes != null) return text(bytes);
  return null;
}

/**
 * Where serde_json (OpenObserve's parser) reports a missing field: at the object's closing brace, the
 * last character of a body that parsed, as `line L column C` (C counts bytes from the line's start).
 */
function closingBrace(text: string): string {
  const at = text.trimEnd().length - 1;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const line = text.slice(0, lineStart).split('\n').length;
  return `line ${line} column ${Buffer.byteLength(text.slice(lineStart, at + 1))}`;
}

function field(o: Json, camel: string, snake?: string): unknown {
  return o[camel] ?? (snake ? o[snake] : undefined);
}

function list(o: Json, camel: string, snake: string): Json[] {
  const v = field(o, camel, snake);
  if (v == null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`Invalid json: "${camel}" must be an array`);
  return v.filter(isObject);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(scalar(v));
}

/** Where OTLP wants a scalar, an object or array is a bad body (String() would even throw on some). */
function scalar(v: unknown): unknown {
  if (typeof v === 'object' && v !== null)
    throw new OtlpDecodeError(
      `Invalid json: expected a string or number, got ${Array.isArray(v) ? 'an array' : 'an object'}`,
    );
  return v;
}

/** Ids are hex in OTLP/JSON; base64 (the generic protobuf JSON mapping) is accepted as well. */
function id(v: unknown): string {
  const s = text(v);
  if (/^[0-9a-fA-F]*$/.test(s)) return s.toLowerCase();
  return /^[A-Za-z0-9+/_-]+=*$/.test(s) ? Buffer.from(s, 'base64').toString('hex') : 'invalid';
}

function nanos(v: unknown): bigint {
  try {
    if (typeof v === 'number' && Number.isFinite(v)) return BigInt.asUintN(64, BigInt(Math.trunc(v)));
    if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt.asUintN(64, BigInt(v));
  } catch {}
  return 0n;
}

function int(v: unknown): number | bigint {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = BigInt(v);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  return Number(scalar(v)) || 0;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
/** Numbers per the specification; enum names (`SPAN_KIND_SERVER`) as some encoders write them. */
function kind(v: unknown): number {
  if (typeof v === 'number') return v;
  const at = KINDS.indexOf(text(v).replace(/^SPAN_KIND_/, ''));
  return at >= 0 ? at : Number(scalar(v)) || 0;
}

function statusCode(v: unknown): number {
  if (typeof v === 'number') return v;
  const at = ['UNSET', 'OK', 'ERROR'].indexOf(text(v).replace(/^STATUS_CODE_/, ''));
  return at >= 0 ? at : Number(scalar(v)) || 0;
}
