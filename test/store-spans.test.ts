/**
 * The gateway's own spans reach the embedded store in the store's model (`ingestSpans`), not as OTLP
 * protobuf encoded on the event loop and decoded in the worker. Nothing a user sees may change: the
 * same span through either path decodes to the same model and is stored as the same row, every column
 * equal; and a gateway exporting to an OTLP store while storing its own spans puts identical rows in both.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Attributes, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { fromPlain } from '../src/store/otlp/plain.ts';
import { readTraceRequest } from '../src/store/otlp/read-proto.ts';
import { StoreClient } from '../src/store/store-client.ts';
import { TraceStore } from '../src/store/trace-store.ts';
import { finishedSpan, type SpanFields } from '../src/telemetry/finished-span.ts';
import { storeSpan } from '../src/telemetry/store-span.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, startCli } from './helpers/process.ts';
import { type Hit, type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';
import { tempDir } from './helpers/temp-dir.ts';

const STORE = { maxAgeMs: 0, maxBytes: 0, queryTimeLimitMs: 5000, maxBodyBytes: 1 << 24 };
const RESOURCE = { 'service.name': 'tollgate', 'service.version': 'test', 'service.instance.id': 'host-1' };
const SCOPE = { name: 'tollgate', version: 'test' };
const hexId = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

/** Attribute values of every shape the OTLP encoder treats apart, edge cases included. */
const ODD_VALUES: Attributes = {
  text: 'héllo ✓ 𝄞',
  empty: '',
  yes: true,
  no: false,
  int: 42,
  negative: -7,
  zero: 0,
  negativeZero: -0,
  double: 0.125,
  tiny: 1e-300,
  big: 2 ** 53 + 2,
  bigNegative: -(2 ** 60),
  beyondInt64: 2 ** 64,
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  missing: undefined,
  strings: ['a', 'b'],
  numbers: [1, 2.5, -3],
  holes: ['x', undefined, null, 'y'] as Attributes[string],
  long: 'z'.repeat(1_100_000),
  '42': 'an integer-like key (objects list those first)',
};

function fields(overrides: Partial<SpanFields> = {}): SpanFields {
  const startMs = Date.now() - 1234.5678;
  return {
    name: 'ChatCompletion',
    kind: SpanKind.SERVER,
    context: { traceId: hexId(16), spanId: hexId(8), traceFlags: TraceFlags.SAMPLED },
    startMs,
    endMs: startMs + 250.0001,
    attributes: ODD_VALUES,
    status: { code: SpanStatusCode.OK },
    events: [],
    ...overrides,
  };
}

/** A request span with a caller as parent, and its failed attempt span with events. */
function spanPair(): SpanFields[] {
  const request = fields({
    parent: { traceId: hexId(16), spanId: hexId(8), traceFlags: 1, isRemote: true },
  });
  request.context.traceId = request.parent?.traceId ?? '';
  const attempt = fields({
    name: 'upstream openai',
    kind: SpanKind.CLIENT,
    context: { traceId: request.context.traceId, spanId: hexId(8), traceFlags: 1 },
    parent: request.context,
    attributes: { 'tollgate.attempt': 2, 'server.port': 8080, 'error.type': 'server_error' },
    status: { code: SpanStatusCode.ERROR, message: 'deployment down' },
    events: [
      { name: 'retry', atMs: Date.now() - 100.25, attributes: { delay_ms: 120, attempt: 2 } },
      { name: 'param_dropped', atMs: Date.now() - 100, attributes: { param: 'logit_bias' } },
    ],
  });
  return [request, attempt];
}

/** What the old path sent: the spans as OTLP protobuf, from the SDK's own encoder. */
function protobuf(spans: SpanFields[]): Uint8Array {
  const resource = resourceFromAttributes(RESOURCE);
  const bytes = ProtobufTraceSerializer.serializeRequest(spans.map((f) => finishedSpan(f, resource, SCOPE)));
  assert.ok(bytes);
  return bytes;
}

describe('the store span model', () => {
  it('is what the OTLP protobuf encoder and the store decoder make of the same spans', () => {
    const spans = spanPair();
    const direct = fromPlain([{ resource: RESOURCE, spans: spans.map(storeSpan) }]);
    assert.deepEqual(direct, readTraceRequest(protobuf(spans)));
  });
});

describe('a span stored through ingestSpans and through OTLP ingest', () => {
  let store: StoreClient;
  before(async () => {
    store = await StoreClient.start({ path: ':memory:', ...STORE });
  });
  after(() => store.close());

  const rows = async (stream: string): Promise<Hit[]> => {
    const body = {
      query: { sql: `SELECT * FROM "${stream}" ORDER BY span_id`, start_time: 0, end_time: 2 ** 60 },
    };
    const answer = JSON.parse(await store.call('search', { org: 'default', body })) as { hits: Hit[] };
    return answer.hits;
  };

  it('has every column equal', async () => {
    const spans = spanPair();
    const bytes = protobuf(spans);
    const viaProto = await store.call('ingest', {
      org: 'default',
      stream: 'proto',
      bytes,
      format: 'protobuf',
    });
    const viaModel = await store.call('ingestSpans', {
      org: 'default',
      stream: 'model',
      spans: [{ resource: RESOURCE, spans: spans.map(storeSpan) }],
    });
    assert.equal(viaModel.accepted, 2);
    const { protobuf: _answer, ...protoResult } = viaProto;
    assert.deepEqual(viaModel, protoResult, 'the same limits applied (the long value cut, and said so)');
    const [proto, model] = [await rows('proto'), await rows('model')];
    assert.equal(model.length, 2);
    assert.deepEqual(model, proto);
    const request = model.find((row) => row.operation_name === 'ChatCompletion') ?? {};
    assert.ok(Object.keys(request).length > 30, 'the request span has its columns');
  });
});

describe('a gateway storing its own spans and exporting them to another store over OTLP', () => {
  let upstream: MockUpstream;
  let otlpStore: StoreGateway;
  let s: StoreGateway;
  before(async () => {
    upstream = await startMockUpstream();
    otlpStore = await startStoreGateway(testConfig({}));
    const target = {
      label: 'the other store',
      url: `${otlpStore.gateway.url}/api/default/v1/traces`,
      kind: 'otlp' as const,
      headers: {},
      timeoutMillis: 5000,
    };
    const config = testConfig({
      numRetries: 1,
      deployments: [deployment({ modelName: 'm', model: 'm', apiBase: upstream.url, apiKey: 'sk-test-x' })],
    });
    s = await startStoreGateway(config, {}, [target]);
  });
  after(async () => {
    await s.close();
    await otlpStore.close();
    await upstream.close();
  });

  it('puts the same rows in both, column for column', async () => {
    upstream.queue({ status: 500, body: { error: { message: 'down', type: 'server_error' } } });
    const response = await fetch(`${s.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${hexId(16)}-${hexId(8)}-01`,
        'x-session-id': 'session-1',
      },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'compare me' }],
        temperature: 0.25,
        user: 'alice',
        metadata: { tags: ['a', 'b'], team: 'x' },
      }),
    });
    assert.equal(response.status, 200);
    const sql = `SELECT * FROM "default" ORDER BY span_id`;
    const own = await s.waitForHits(sql, 3);
    const exported = await otlpStore.waitForHits(sql, 3);
    assert.equal(own.length, 3, 'a request span and two attempt spans');
    assert.deepEqual(own, exported);
  });
});

describe("the gateway's own spans and the store's limits", () => {
  it('are in the store file after SIGTERM, sent at once rather than after the batch delay', async () => {
    const dir = tempDir();
    const path = join(dir, 'traces.db');
    const server = await startCli([], { cwd: dir, env: cleanEnv({ TOLLGATE_TRACE_STORE: path }) });
    try {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'last words' }] }),
      });
      assert.equal(response.status, 200);
      await response.text();
      assert.equal(await server.stop('SIGTERM'), 0);
    } finally {
      await server.stop();
    }
    const store = new TraceStore({ path, ...STORE });
    try {
      const body = {
        query: {
          sql: `SELECT input_value FROM "default" WHERE operation_name = 'ChatCompletion'`,
          start_time: 0,
          end_time: 2 ** 60,
        },
      };
      const { hits } = JSON.parse(store.search('default', body)) as { hits: Hit[] };
      assert.equal(hits.length, 1);
      assert.match(String(hits[0]?.input_value), /last words/);
    } finally {
      store.close();
    }
  });

  it('fill the disk as OTLP ingest does: 503, and the store client logs it once', async () => {
    const lines: string[] = [];
    const store = await StoreClient.start({
      path: join(tempDir(), 'full.db'),
      ...STORE,
      maxPageCount: 64,
      log: (message) => lines.push(message),
    });
    try {
      let refusal: unknown;
      for (let i = 0; i < 100 && refusal === undefined; i++) {
        const spans = Array.from({ length: 20 }, () =>
          storeSpan(fields({ attributes: { text: 'x'.repeat(4000) } })),
        );
        await store
          .call('ingestSpans', { org: 'default', spans: [{ resource: {}, spans }] })
          .catch((err: unknown) => {
            refusal = err;
          });
      }
      assert.match(String(refusal), /disk is full/);
      assert.equal((refusal as { status?: number }).status, 503);
      assert.deepEqual(
        lines.filter((line) => line.includes('disk')),
        ['trace store: the disk is full; ingest stores nothing and answers 503 until there is room'],
      );
    } finally {
      await store.close();
    }
  });
});
