/**
 * Abuse: the OTLP receiver under mutated and random protobuf and JSON bodies. Client garbage is a 400,
 * 413 or 206 (docs/trace-store.md), never a 5xx or a crash, and it corrupts nothing: afterwards a valid
 * batch is stored and found, and every stored row has a 32-hex trace_id and a 16-hex span_id.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { request } from 'undici';
import { describeInput, FUZZ_SCALE, mutate, rng } from './helpers/fuzz.ts';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const root = protobuf.parse(
  readFileSync(new URL('../src/store/otlp/trace.proto', import.meta.url), 'utf8'),
).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');
const LIMIT = 1024 * 1024;
const r = rng();
const hex = (bytes: number) => r.bytes(bytes).toString('hex');

function spanObject(name: string, attributes = 3) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: hex(8),
    name,
    kind: 2,
    startTimeUnixNano: `${now}`,
    endTimeUnixNano: `${now + 5_000_000n}`,
    attributes: Array.from({ length: attributes }, (_, i) => ({
      key: `a${i}`,
      value: i % 3 === 0 ? { stringValue: `v${i}` } : i % 3 === 1 ? { intValue: i } : { doubleValue: i / 2 },
    })),
    events: [{ timeUnixNano: `${now}`, name: 'e', attributes: [{ key: 'k', value: { boolValue: true } }] }],
    links: [{ traceId: hex(16), spanId: hex(8) }],
    status: { code: 2, message: 'boom' },
  };
}

function jsonBody(spans: unknown[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

/** The same spans as protobuf: ids as bytes, times as fixed64. */
function protoBody(spans: ReturnType<typeof spanObject>[]): Buffer {
  const bytes = (h: string) => Buffer.from(h, 'hex');
  const message = Request.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              ...s,
              traceId: bytes(s.traceId),
              spanId: bytes(s.spanId),
              parentSpanId: bytes(s.parentSpanId),
              links: s.links.map((l) => ({ traceId: bytes(l.traceId), spanId: bytes(l.spanId) })),
            })),
          },
        ],
      },
    ],
  });
  return Buffer.from(Request.encode(message).finish());
}

const JSON_TYPE = { 'content-type': 'application/json' };
const PROTO_TYPE = { 'content-type': 'application/x-protobuf' };
const varint = (n: number) => {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
};
/** A length-delimited field. */
const ld = (field: number, payload: Buffer) =>
  Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);

/** An AnyValue of `levels` nested arrayValues, written back to front (concatenating per level is quadratic). */
function nestedArrays(levels: number): Buffer {
  const out = Buffer.alloc(levels * 12 + 16);
  let at = out.length;
  const prepend = (bytes: Buffer) => {
    at -= bytes.length;
    bytes.copy(out, at);
  };
  prepend(Buffer.from('leaf'));
  prepend(varint(4));
  prepend(varint((1 << 3) | 2)); // AnyValue.string_value
  for (let i = 0; i < levels; i++) {
    prepend(varint(out.length - at));
    prepend(varint((1 << 3) | 2)); // ArrayValue.values
    prepend(varint(out.length - at));
    prepend(varint((5 << 3) | 2)); // AnyValue.array_value
  }
  return out.subarray(at);
}

describe('abuse: the OTLP receiver', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ bodyLimitBytes: LIMIT }));
  });
  after(() => s.close());

  async function post(body: Buffer | string, headers: Record<string, string>): Promise<number> {
    const what = () => `seed ${r.seed} ${JSON.stringify(headers)} body ${describeInput(body)}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${s.gateway.url}/api/default/v1/traces`, {
        method: 'POST',
        headers,
        body,
        headersTimeout: 15_000,
      });
    } catch (err) {
      throw new Error(`no answer (${String(err)}) for ${what()}`);
    }
    const text = await res.body.text();
    assert.ok(
      [200, 206, 400, 413].includes(res.statusCode),
      `${res.statusCode} ${text.slice(0, 300)} ${what()}`,
    );
    if (res.statusCode >= 400) {
      const answer = JSON.parse(text) as { code: number; message: string };
      assert.equal(answer.code, res.statusCode, what());
      assert.equal(typeof answer.message, 'string');
      assert.doesNotMatch(answer.message, /\n\s+at /, 'no stack trace');
    }
    return res.statusCode;
  }

  /** Sends inputs eight at a time: requests arriving together are written in one transaction. */
  async function postAll(inputs: Array<[Buffer | string, Record<string, string>]>): Promise<void> {
    for (let i = 0; i < inputs.length; i += 8)
      await Promise.all(inputs.slice(i, i + 8).map(([body, headers]) => post(body, headers)));
  }

  it('takes valid protobuf and JSON batches', async () => {
    assert.equal(await post(protoBody([spanObject('valid-proto')]), PROTO_TYPE), 200);
    assert.equal(await post(jsonBody([spanObject('valid-json')]), JSON_TYPE), 200);
  });

  it('answers mutated and random protobuf bodies with 200/206/400', async () => {
    const valid = protoBody([spanObject('p1', 6), spanObject('p2', 2)]);
    const inputs: Array<[Buffer, Record<string, string>]> = [];
    for (let i = 0; i < 400 * FUZZ_SCALE; i++)
      inputs.push([r.int(5) === 0 ? r.bytes(r.int(300)) : mutate(r, valid), PROTO_TYPE]);
    await postAll(inputs);
  });

  it('answers hand-made protobuf traps (wire types, lengths, ids, nesting) with 200/206/400', async () => {
    const span = (...fields: Buffer[]) => ld(1, ld(2, ld(2, Buffer.concat(fields))));
    const trace = ld(1, Buffer.alloc(16, 7));
    const spanId = ld(2, Buffer.alloc(8, 9));
    const nested = nestedArrays(50_000);
    const cases: Buffer[] = [
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Buffer.from([0x0b]), // start group
      Buffer.from([0x0c]), // end group
      Buffer.from([0x0e, 0x00]), // wire type 6
      Buffer.from([0x0f, 0x00]), // wire type 7
      Buffer.from([0x08, 0x01]), // field 1 as varint
      span(Buffer.from([0x08, 0x01]), spanId), // trace id as varint
      span(ld(1, Buffer.alloc(5)), spanId),
      span(ld(1, Buffer.alloc(16)), ld(2, Buffer.alloc(8))),
      span(ld(1, Buffer.alloc(4096, 1)), spanId),
      span(trace, spanId, Buffer.from([0x39, 1, 2])), // fixed64 start time cut short
      span(trace, spanId, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
      span(trace, spanId, ld(9, ld(2, nested))),
      span(trace, spanId, ld(9, ld(2, nestedArrays(1000)))),
      span(trace, spanId, ld(9, ld(2, nestedArrays(5000)))),
      span(trace, spanId, ld(9, ld(1, Buffer.from([0xed, 0xa0, 0x80, 0xff])))), // invalid UTF-8 key
    ];
    await postAll(cases.map((c) => [c, PROTO_TYPE]));
  });

  it('answers mutated, mistyped and random JSON bodies with 200/206/400', async () => {
    const valid = Buffer.from(jsonBody([spanObject('j1', 4), spanObject('j2', 1)]));
    const inputs: Array<[Buffer | string, Record<string, string>]> = [];
    for (let i = 0; i < 300 * FUZZ_SCALE; i++)
      inputs.push([r.int(6) === 0 ? r.bytes(r.int(200)) : mutate(r, valid), JSON_TYPE]);
    const WRONG: unknown[] = [
      null,
      1,
      -1,
      1e308,
      'x',
      '',
      'NaN',
      'ZZZZ',
      [],
      [1],
      {},
      { toString: 1, valueOf: 1 },
      JSON.parse('{"__proto__":{"polluted":1}}'),
      '0'.repeat(32),
      'ab'.repeat(100),
      '\ud800',
    ];
    const base = spanObject('mistyped');
    const keys = [...Object.keys(base), 'trace_id', 'span_id', 'flags', '__proto__'];
    for (const key of keys)
      for (const value of WRONG) {
        const span: Record<string, unknown> = { ...base, traceId: hex(16), spanId: hex(8) };
        Object.defineProperty(span, key, { value, enumerable: true, writable: true, configurable: true });
        inputs.push([jsonBody([span]), JSON_TYPE]);
        inputs.push([
          jsonBody([{ ...base, attributes: [{ key: 'k', value: { stringValue: value } }] }]),
          JSON_TYPE,
        ]);
        inputs.push([
          jsonBody([{ ...base, attributes: [{ key: value, value: { intValue: value } }] }]),
          JSON_TYPE,
        ]);
        inputs.push([JSON.stringify({ resourceSpans: [{ resource: value, scopeSpans: value }] }), JSON_TYPE]);
        inputs.push([JSON.stringify({ resourceSpans: value }), JSON_TYPE]);
      }
    const deepValue = `${'{"arrayValue":{"values":['.repeat(30_000)}{"stringValue":"x"}${']}}'.repeat(30_000)}`;
    inputs.push([
      jsonBody([{ ...base, attributes: [{ key: 'deep', value: JSON.parse('{}') }] }]).replace(
        '{}',
        deepValue,
      ),
      JSON_TYPE,
    ]);
    inputs.push(['['.repeat(100_000), JSON_TYPE]);
    await postAll(inputs);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype unpolluted');
  });

  it('takes huge attribute counts within the body limit, and refuses bodies over it with 413', async () => {
    const wide = spanObject('wide', 0);
    wide.attributes = Array.from({ length: 20_000 }, (_, i) => ({ key: `w${i}`, value: { intValue: 1 } }));
    const body = jsonBody([wide]);
    assert.ok(body.length < LIMIT, `${body.length} bytes`);
    assert.ok([200, 206].includes(await post(body, JSON_TYPE)));
    const many = protoBody(Array.from({ length: 2000 }, (_, i) => spanObject(`many-${i}`, 10)));
    assert.ok(many.length < LIMIT, `${many.length} bytes`);
    assert.equal(await post(many, PROTO_TYPE), 200);
    assert.equal(await post(Buffer.alloc(LIMIT + 1, 0x20), JSON_TYPE), 413);
    assert.equal(
      await post(gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x0a)), {
        ...PROTO_TYPE,
        'content-encoding': 'gzip',
      }),
      413,
    );
  });

  it('answers garbage content encodings with 400', async () => {
    const valid = protoBody([spanObject('enc')]);
    for (const encoding of ['gzip', 'deflate', 'br', 'zstd', 'gzip, br', 'x-unknown', '\t'])
      assert.ok(
        [200, 400].includes(await post(mutate(r, valid), { ...PROTO_TYPE, 'content-encoding': encoding })),
      );
  });

  it('still stores and finds a valid batch afterwards, and every stored id is well-formed hex', async () => {
    assert.equal(await post(protoBody([spanObject('after-fuzz-proto')]), PROTO_TYPE), 200);
    assert.equal(await post(jsonBody([spanObject('after-fuzz-json')]), JSON_TYPE), 200);
    await s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name IN ('after-fuzz-proto', 'after-fuzz-json')`,
      2,
    );
    const { status, body } = await s.search(
      `SELECT trace_id, span_id, operation_name FROM "default" WHERE NOT (length(trace_id) = 32 AND trace_id NOT GLOB '*[^0-9a-f]*' AND length(span_id) = 16 AND span_id NOT GLOB '*[^0-9a-f]*')`,
      { query: { start_time: 0, size: 100 } },
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.hits, [], 'rows with malformed ids');
    const total = await s.search('SELECT count(*) AS n FROM "default"', { query: { start_time: 0 } });
    assert.ok(Number(total.body.hits[0]?.n) > 2000, JSON.stringify(total.body));
  });
});
