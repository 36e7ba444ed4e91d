/**
 * The embedded store's OTLP receiver, fed by the real OpenTelemetry JS exporters (protobuf and JSON,
 * gzip included) and by hand-made bad input; what arrives is read back through OpenObserve's `_search`.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

/** Sends one LLM-like span (and a child) through a real exporter, then flushes. */
async function sendWith(exporter: SpanExporter, name: string): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'client-app', 'service.version': '1.2.3' }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('test');
  let traceId = '';
  tracer.startActiveSpan(name, { kind: SpanKind.SERVER }, (span) => {
    traceId = span.spanContext().traceId;
    span.setAttributes({
      'llm.model_name': 'gpt-4o-mini',
      'llm.token_count.prompt': 11,
      'llm.token_count.completion': 22,
      'llm.token_count.total': 33,
      'openinference.span.kind': 'LLM',
      'Custom.Flag-Seen': true,
      duration: 'sent by the app',
    });
    // No global context manager in this test: the parent is passed explicitly.
    const child = tracer.startSpan(
      'upstream call',
      { kind: SpanKind.CLIENT },
      trace.setSpan(ROOT_CONTEXT, span),
    );
    child.addEvent('retry', { delay_ms: 120 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;
const hexId = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

function jsonSpan(overrides: Record<string, unknown> = {}) {
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    name: 'hand-made',
    kind: 1,
    startTimeUnixNano: nowNs(),
    endTimeUnixNano: nowNs(),
    attributes: [{ key: 'batch', value: { stringValue: 'json' } }],
    ...overrides,
  };
}

function jsonBody(spans: unknown[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });
}

describe('OTLP ingest from the OpenTelemetry JS exporters', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({}));
  });
  after(() => s.close());

  for (const [label, make] of [
    ['protobuf', (url: string) => new ProtoExporter({ url })],
    ['protobuf gzip', (url: string) => new ProtoExporter({ url, compression: 'gzip' as never })],
    ['JSON', (url: string) => new JsonExporter({ url })],
    ['JSON gzip', (url: string) => new JsonExporter({ url, compression: 'gzip' as never })],
  ] as const) {
    it(`stores spans sent as ${label}, read back with OpenObserve's columns and units`, async () => {
      const name = `exported ${label}`;
      const traceId = await sendWith(make(`${s.gateway.url}/api/default/v1/traces`), name);
      const [root] = await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = '${name}'`);
      assert.ok(root);
      assert.equal(root.trace_id, traceId);
      assert.equal(root.service_name, 'client-app');
      assert.equal(root.service_service_version, '1.2.3');
      assert.equal(root.llm_model_name, 'gpt-4o-mini');
      // Attribute values as OpenObserve returns them: strings.
      assert.equal(root.llm_token_count_total, '33');
      assert.equal(root.custom_flag_seen, 'true');
      assert.equal(root.attr_duration, 'sent by the app');
      assert.equal(root.span_kind, '2');
      assert.equal(root.span_status, 'OK');
      assert.equal(root.gen_ai_usage_input_tokens, 11, 'LLM enrichment');
      // JSON.parse rounds nanosecond times to doubles, so compare within a microsecond.
      const micros = (Number(root.end_time) - Number(root.start_time)) / 1000;
      assert.ok(Math.abs(Number(root.duration) - micros) <= 2, 'duration is in microseconds');
      assert.ok(Math.abs(Number(root._timestamp) - Number(root.start_time) / 1000) <= 2, '_timestamp in µs');
      const [child] = await s.waitForHits(
        `SELECT * FROM "default" WHERE trace_id = '${traceId}' AND span_kind = '3'`,
      );
      assert.equal(child?.reference_parent_span_id, root.span_id);
      assert.equal(child?.reference_ref_type, 'ChildOf');
      assert.equal(child?.span_status, 'ERROR');
      assert.equal(child?.status_message, 'boom');
      const events = JSON.parse(String(child?.events)) as Array<Record<string, unknown>>;
      assert.equal(events[0]?.name, 'retry');
      assert.equal(events[0]?.delay_ms, '120', 'event attribute values are strings too');
    });
  }

  it('takes every OpenObserve ingest path and the standard /v1/traces', async () => {
    for (const path of ['/api/default/traces', '/api/default/otel/v1/traces', '/v1/traces']) {
      const name = `via ${path}`;
      await sendWith(new ProtoExporter({ url: `${s.gateway.url}${path}` }), name);
      await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = '${name}'`);
    }
  });

  it('files spans under the stream-name header and the organization in the path', async () => {
    const url = `${s.gateway.url}/api/team_a/v1/traces`;
    await sendWith(new ProtoExporter({ url, headers: { 'stream-name': 'My-Stream' } }), 'streamed');
    const hits = await s.waitForHits('SELECT operation_name FROM "my_stream"', 2, { org: 'team_a' });
    assert.ok(hits.some((h) => h.operation_name === 'streamed'));
    const other = await s.search('SELECT * FROM "my_stream"', { org: 'default' });
    assert.equal(other.status, 400, 'another organization does not see the stream');
  });
});

describe('OTLP ingest: bad input', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ bodyLimitBytes: 256 * 1024 }));
  });
  after(() => s.close());

  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(`${s.gateway.url}/api/default/v1/traces`, { method: 'POST', headers, body });

  it('answers 206 with counts when some spans are rejected, and keeps the rest', async () => {
    const hourNs = 3_600_000_000_000n;
    const stale = `${BigInt(Date.now()) * 1_000_000n - 6n * hourNs}`;
    const future = `${BigInt(Date.now()) * 1_000_000n + 25n * hourNs}`;
    const body = jsonBody([
      jsonSpan({ name: 'kept-206' }),
      jsonSpan({ startTimeUnixNano: stale }),
      jsonSpan({ startTimeUnixNano: future }),
      jsonSpan({ traceId: 'abcd' }),
      jsonSpan({ spanId: '' }),
    ]);
    const response = await post(body, { 'content-type': 'application/json' });
    assert.equal(response.status, 206);
    const answer = (await response.json()) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    assert.equal(answer.partialSuccess.rejectedSpans, 4);
    assert.match(answer.partialSuccess.errorMessage, /5 hours old/);
    assert.match(answer.partialSuccess.errorMessage, /trace id/);
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'kept-206'`);
  });

  it('refuses undecodable bodies and wrong content types with 400, storing nothing', async () => {
    const before = (await s.search('SELECT count(*) AS n FROM "default"')).body.hits[0]?.n;
    const cases: Array<[string | Uint8Array, Record<string, string>, RegExp]> = [
      ['{"resourceSpans": [', { 'content-type': 'application/json' }, /Invalid json/],
      [
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]),
        { 'content-type': 'application/x-protobuf' },
        /Invalid proto/,
      ],
      [new Uint8Array([1, 2, 3]), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, /gzip/],
      ['{}', { 'content-type': 'application/json', 'content-encoding': 'compress' }, /Content-Encoding/],
      ['[1,2]', { 'content-type': 'application/json' }, /Invalid json/],
    ];
    for (const [body, headers, message] of cases) {
      const response = await post(body, headers);
      assert.equal(response.status, 400, JSON.stringify(headers));
      const answer = (await response.json()) as { code: number; message: string };
      assert.equal(answer.code, 400);
      assert.match(answer.message, message);
    }
    // Without a master key a type web pages can send without a preflight is refused before it is read.
    const plain = await post('{}', { 'content-type': 'text/plain' });
    assert.equal(plain.status, 415);
    assert.match(((await plain.json()) as { message: string }).message, /Content-Type/);
    const afterCount = (await s.search('SELECT count(*) AS n FROM "default"')).body.hits[0]?.n;
    assert.equal(afterCount, before);
  });

  it('refuses oversized bodies, compressed or not, with 413', async () => {
    const big = jsonBody(Array.from({ length: 3000 }, () => jsonSpan()));
    assert.ok(big.length > 256 * 1024);
    const plain = await post(big, { 'content-type': 'application/json' });
    assert.equal(plain.status, 413);
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));
    const zipped = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(zipped.status, 413);
  });

  it('accepts a chunked body (no Content-Length), as streaming clients send it', async () => {
    const body = Buffer.from(jsonBody([jsonSpan({ name: 'chunked' })]));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${s.gateway.url}/v1/traces`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 10));
      setTimeout(() => req.end(body.subarray(10)), 20);
    });
    assert.equal(status, 200);
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'chunked'`);
  });

  it('takes a body without a content type as JSON with a master key, as OpenObserve does; not without one', async () => {
    const body = () => new Blob([jsonBody([jsonSpan({ name: 'untyped' })])]);
    const refused = await fetch(`${s.gateway.url}/api/default/v1/traces`, { method: 'POST', body: body() });
    assert.equal(refused.status, 415);
    const keyed = await startStoreGateway(testConfig({ masterKey: 'sk-test-ingest' }));
    try {
      const response = await fetch(`${keyed.gateway.url}/api/default/v1/traces`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-ingest' },
        body: body(),
      });
      assert.equal(response.status, 200);
      await keyed.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'untyped'`, 1, {
        headers: { authorization: 'Bearer sk-test-ingest' },
      });
    } finally {
      await keyed.close();
    }
  });
});
