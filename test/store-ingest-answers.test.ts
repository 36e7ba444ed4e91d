/**
 * What OTLP ingest answers, as OpenObserve answers it (src/core/src/traces/mod.rs there): a JSON body
 * without `resourceSpans` is serde's 400, a JSON success is `{"partialSuccess":null}`, rejected spans
 * are a 206 over JSON but a 200 over protobuf (the body tells), and stream names keep `:` and turn each
 * run of other characters into one `_` (its `format_stream_name`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const root = protobuf.parse(
  readFileSync(new URL('../src/store/otlp/trace.proto', import.meta.url), 'utf8'),
).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');
const Response = root.lookupType('otlp.ExportTraceServiceResponse');

const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;
const hexId = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
const jsonSpan = (name: string, traceId = hexId(16)) => ({
  traceId,
  spanId: hexId(8),
  name,
  startTimeUnixNano: nowNs(),
  endTimeUnixNano: nowNs(),
});
const jsonBody = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

describe("OTLP ingest answers, as OpenObserve's", () => {
  let s: StoreGateway;
  const range = { start_time: (Date.now() - 60_000) * 1000, end_time: (Date.now() + 120_000) * 1000 };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
  });
  after(() => s.close());

  const post = (body: string | Uint8Array, type: string, headers: Record<string, string> = {}) =>
    fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body,
    });

  it("a JSON body without resourceSpans is serde's missing-field 400", async () => {
    for (const [body, position] of [
      ['{}', 'line 1 column 2'],
      ['{ "resource_span": [] }', 'line 1 column 23'],
      ['{\n}', 'line 2 column 1'],
    ] as const) {
      const response = await post(body, 'application/json');
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        code: 400,
        message: `Invalid json: missing field \`resourceSpans\` at ${position}`,
      });
    }
    const empty = await post('{"resourceSpans":[]}', 'application/json');
    assert.equal(empty.status, 200);
  });

  it('a JSON success is {"partialSuccess":null}; rejected spans are a 206 with the count', async () => {
    const ok = await post(jsonBody([jsonSpan('json-ok')]), 'application/json');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(await ok.text(), '{"partialSuccess":null}');
    const partial = await post(
      jsonBody([jsonSpan('json-kept'), jsonSpan('bad', 'abcd')]),
      'application/json',
    );
    assert.equal(partial.status, 206);
    assert.deepEqual(await partial.json(), {
      partialSuccess: { rejectedSpans: 1, errorMessage: '1 span(s): trace id is not 16 bytes' },
    });
  });

  it('protobuf with rejected spans is a 200 whose body carries the partial success', async () => {
    const span = (name: string, traceId: Buffer) => ({
      traceId,
      spanId: Buffer.from(hexId(8), 'hex'),
      name,
      startTimeUnixNano: nowNs(),
      endTimeUnixNano: nowNs(),
    });
    const body = Request.encode(
      Request.create({
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [span('proto-kept', Buffer.from(hexId(16), 'hex')), span('bad', Buffer.alloc(3))] },
            ],
          },
        ],
      }),
    ).finish();
    const response = await post(body, 'application/x-protobuf');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
    const answer = Response.toObject(Response.decode(new Uint8Array(await response.arrayBuffer())), {
      longs: Number,
    });
    assert.deepEqual(answer, {
      partialSuccess: { rejectedSpans: 1, errorMessage: '1 span(s): trace id is not 16 bytes' },
    });
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'proto-kept'`, 1, { query: range });
  });

  it("stream names keep ':' and turn each run of other characters into one '_'", async () => {
    for (const [header, stream] of [
      ['k8s:Prod', 'k8s:prod'],
      ['My--Stream  Name!', 'my_stream_name_'],
      ['café au lait', 'caf_au_lait'],
    ] as const) {
      const response = await post(jsonBody([jsonSpan(`into ${stream}`)]), 'application/json', {
        'stream-name': header,
      });
      assert.equal(response.status, 200, header);
      const hits = await s.waitForHits(`SELECT operation_name FROM "${stream}"`, 1, { query: range });
      assert.deepEqual(hits, [{ operation_name: `into ${stream}` }]);
    }
    const list = (await (await fetch(`${s.gateway.url}/api/default/streams`)).json()) as {
      list: Array<{ name: string }>;
    };
    const names = list.list.map((x) => x.name);
    for (const name of ['k8s:prod', 'my_stream_name_', 'caf_au_lait']) assert.ok(names.includes(name), name);
  });
});
