/**
 * The `_search` request and its errors as an OpenObserve client sees them: the time range required
 * (refused as OpenObserve's JSON extractor refuses it), `size` defaulting to 1,000 with -1 and 0 as
 * OpenObserve reads them, and every search error as `{code, message, error_detail, trace_id}` with
 * OpenObserve's codes and statuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const NOW_US = Date.now() * 1000;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function otlp(count: number): string {
  const spans = Array.from({ length: count }, (_, i) => {
    const ns = String(BigInt(NOW_US - 60_000_000 + i) * 1000n);
    return {
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      name: `op${i}`,
      startTimeUnixNano: ns,
      endTimeUnixNano: ns,
    };
  });
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

describe('_search requests and errors, as OpenObserve answers them', () => {
  let s: StoreGateway;
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${s.gateway.url}/api/default/_search?type=traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  before(async () => {
    s = await startStoreGateway(testConfig({}), { queryTimeLimitMs: 300 });
    const response = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stream-name': 'many' },
      body: otlp(1005),
    });
    assert.equal(response.status, 200);
  });
  after(() => s.close());

  it('start_time and end_time are required: a 422 in plain text naming the field and its position', async () => {
    const cases: Array<[string, string]> = [
      [
        '{"query":{"sql":"SELECT 1"}}',
        'Failed to deserialize the JSON body into the target type: query: missing field `start_time` at line 1 column 27',
      ],
      [
        '{"query":{"sql":"SELECT 1","start_time":0}}',
        'Failed to deserialize the JSON body into the target type: query: missing field `end_time` at line 1 column 42',
      ],
      [
        '{"query":{"sql":"SELECT 1","start_time":"0","end_time":1}}',
        'Failed to deserialize the JSON body into the target type: query.start_time: invalid type: string "0", expected i64 at line 1 column 43',
      ],
      [
        '{}',
        'Failed to deserialize the JSON body into the target type: missing field `query` at line 1 column 2',
      ],
    ];
    for (const [body, message] of cases) {
      const response = await post(body);
      assert.equal(response.status, 422, body);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(await response.text(), message);
    }
  });

  it('size defaults to 1,000; -1 and 0 mean the default limit, flagged when more rows matched', async () => {
    const range = { start_time: 0, end_time: NOW_US + 60_000_000 };
    const plain = await s.search('SELECT * FROM many', { query: range });
    assert.deepEqual([plain.status, plain.body.hits.length, plain.body.size], [200, 1000, 1000]);
    assert.equal(plain.body.is_partial, false);
    for (const size of [-1, 0]) {
      const { body } = await s.search('SELECT * FROM many', { query: { ...range, size } });
      assert.deepEqual([body.hits.length, body.size, body.is_partial], [1000, size, true]);
      assert.deepEqual(body.function_error, ['Warn: results are capped to meet default limit']);
    }
    // With -1, the query's own LIMIT decides.
    const limited = await s.search('SELECT * FROM many LIMIT 1003', { query: { ...range, size: -1 } });
    assert.deepEqual([limited.body.hits.length, limited.body.is_partial], [1003, false]);
    const page = await s.search('SELECT * FROM many', { query: { ...range, from: 1000, size: 10 } });
    assert.deepEqual(
      [page.body.hits.length, page.body.total, page.body.from, page.body.size],
      [5, 5, 1000, 10],
    );
  });

  it("answers each search error with OpenObserve's code, message, detail and the request's trace_id", async () => {
    const traceId = 'a'.repeat(32);
    const cases: Array<[string, number, number, string | RegExp]> = [
      ['SELECT * FROM nowhere', 400, 20002, 'Search stream not found: nowhere'],
      ['DELETE FROM many', 400, 20001, 'Search SQL not valid'],
      ['SELECT nope FROM many', 400, 20004, "unknown field 'nope'"],
      ['SELECT no_such_fn(1) FROM many', 400, 20005, "unknown function 'no_such_fn'"],
      [`SELECT * FROM many WHERE re_match(operation_name, '(a')`, 400, 20008, 'Search SQL execute error'],
      ['SELECT count(*) FROM many a, many b, many c', 408, 20010, 'Search query timed out'],
    ];
    for (const [sql, status, code, message] of cases) {
      const response = await post(JSON.stringify({ query: { sql, start_time: 0, end_time: NOW_US + 6e7 } }), {
        'x-openobserve-trace-id': traceId,
      });
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, status, sql);
      assert.equal(body.code, code, sql);
      assert.equal(body.message, message, sql);
      assert.equal(body.trace_id, traceId, sql);
      assert.equal(response.headers.get('x-error-message'), String(code));
      if (code === 20004) assert.equal('error_detail' in body, false);
      if (code === 20002) assert.equal(body.error_detail, '');
      if ([20001, 20008, 20010].includes(code)) assert.ok(String(body.error_detail).length > 5, sql);
    }
    const typo = await s.search('SELECT operaton_name FROM many');
    assert.deepEqual((typo.body as unknown as { suggestions: string[] }).suggestions?.[0], 'operation_name');
  });

  it('takes trace_id from traceparent, else makes one, and echoes it in a successful answer', async () => {
    const fromParent = await s.search('SELECT 1 AS one', {
      headers: { traceparent: `00-${'b'.repeat(32)}-${'c'.repeat(16)}-01` },
    });
    assert.equal(fromParent.body.trace_id, 'b'.repeat(32));
    const made = await s.search('SELECT 1 AS one');
    assert.match(made.body.trace_id ?? '', /^[0-9a-f]{12}7[0-9a-f]{19}$/, 'a UUID v7 in hex');
  });
});
