/**
 * A stand-in OpenObserve for tests: a real HTTP server that takes OTLP/HTTP protobuf at
 * `/api/{org}/v1/traces`, decodes it with the OTLP schema and flattens each span into a row the way
 * OpenObserve does (shared/reference/openobserve.md), so tests assert on the columns users filter on.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

const root = protobuf.parse(
  readFileSync(new URL('../../src/store/otlp/trace.proto', import.meta.url), 'utf8'),
).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');
const Response = root.lookupType('otlp.ExportTraceServiceResponse');

export type Row = Record<string, string | number | boolean>;

export interface Receiver {
  /** Base URL, as a user would put it in OPENOBSERVE_URL (with a trailing slash, as the seed does). */
  url: string;
  rows: Row[];
  requests: Array<{ path: string; headers: IncomingHttpHeaders; bytes: Buffer }>;
  /** `answer`: respond normally; `fail`: 500; `hang`: never respond. */
  mode: 'answer' | 'fail' | 'hang';
  /** Resolves once a row matching the predicate has arrived. */
  waitFor(predicate: (row: Row) => boolean, timeoutMs?: number): Promise<Row>;
  close(): Promise<void>;
}

const STATUS = ['UNSET', 'OK', 'ERROR'];
const RESERVED = new Set([
  'trace_id',
  'span_id',
  'duration',
  'start_time',
  'end_time',
  'operation_name',
  'span_kind',
  'span_status',
  'service_name',
  '_timestamp',
  'events',
  'links',
]);

export async function startReceiver(): Promise<Receiver> {
  const waiters: Array<{ predicate: (row: Row) => boolean; resolve: (row: Row) => void }> = [];
  const receiver: Receiver = {
    url: '',
    rows: [],
    requests: [],
    mode: 'answer',
    waitFor(predicate, timeoutMs = 10_000) {
      const found = receiver.rows.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching span arrived')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (row) => {
            clearTimeout(timer);
            resolve(row);
          },
        });
      });
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const bytes = Buffer.concat(parts);
    receiver.requests.push({ path: req.url ?? '', headers: req.headers, bytes });
    if (receiver.mode === 'hang') return;
    if (receiver.mode === 'fail') {
      res.writeHead(500).end('{"code":500,"message":"test failure"}');
      return;
    }
    const decoded = Request.toObject(Request.decode(bytes), { longs: String, defaults: false }) as {
      resourceSpans?: ResourceSpans[];
    };
    for (const row of flatten(decoded.resourceSpans ?? [], String(req.headers['stream-name'] ?? 'default'))) {
      receiver.rows.push(row);
      for (const w of waiters.splice(0)) w.predicate(row) ? w.resolve(row) : waiters.push(w);
    }
    res
      .writeHead(200, { 'content-type': 'application/x-protobuf' })
      .end(Response.encode(Response.create({})).finish());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return receiver;
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: Array<{ name: string; timeUnixNano: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
}
interface ResourceSpans {
  resource?: { attributes?: KeyValue[] };
  scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
}

function flatten(resourceSpans: ResourceSpans[], stream: string): Row[] {
  const rows: Row[] = [];
  for (const rs of resourceSpans) {
    const resource: Row = {};
    for (const kv of rs.resource?.attributes ?? [])
      resource[`service_${columnName(kv.key)}`] = value(kv.value);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const start = BigInt(span.startTimeUnixNano);
        const end = BigInt(span.endTimeUnixNano);
        const row: Row = { ...resource };
        for (const kv of span.attributes ?? []) {
          const name = columnName(kv.key);
          row[RESERVED.has(name) ? `attr_${name}` : name] = value(kv.value);
        }
        Object.assign(row, {
          trace_id: hex(span.traceId),
          span_id: hex(span.spanId),
          operation_name: span.name,
          span_kind: String(span.kind ?? 0),
          span_status: STATUS[span.status?.code ?? 0] ?? 'UNSET',
          status_message: span.status?.message ?? '',
          start_time: Number(start),
          end_time: Number(end),
          duration: Number((end - start) / 1000n),
          service_name: String(resource.service_service_name ?? stream),
          events: JSON.stringify(
            (span.events ?? []).map((e) => ({ name: e.name, _timestamp: Number(e.timeUnixNano) })),
          ),
        });
        if (span.parentSpanId && span.parentSpanId.length > 0) {
          row.reference_parent_span_id = hex(span.parentSpanId);
          row.reference_parent_trace_id = row.trace_id as string;
          row.reference_ref_type = 'ChildOf';
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

function columnName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

function value(v: AnyValue | undefined): string | number | boolean {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return JSON.stringify((v.arrayValue.values ?? []).map(value));
  return '';
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
