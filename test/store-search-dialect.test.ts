/**
 * OpenObserve's SQL dialect (DataFusion's) through `_search`, as a client sees it: histogram with short
 * and range-picked intervals, ILIKE and a case-sensitive LIKE, approx_distinct, match_all, date_trunc,
 * to_timestamp_micros and `::` casts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { type Hit, type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const HOUR_US = 3_600_000_000;
/** A whole hour, 2 hours ago: spans sit at known offsets from it. */
const BASE_US = (Math.floor(Date.now() / 3_600_000) - 2) * HOUR_US;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

interface SpanSpec {
  name: string;
  offsetS: number;
  attributes?: Record<string, string | number>;
}

function otlp(specs: SpanSpec[]): string {
  const spans = specs.map((s, i) => {
    const ns = String(BigInt(BASE_US + s.offsetS * 1_000_000) * 1000n + 123_000n);
    return {
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      name: s.name,
      startTimeUnixNano: ns,
      endTimeUnixNano: ns,
      attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({
        key,
        value: typeof v === 'number' ? { intValue: v } : { stringValue: v },
      })),
    };
  });
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

const SPANS: SpanSpec[] = [
  { name: 'Chat', offsetS: 0, attributes: { 'input.value': 'Hello World', model: 'gpt-4o', n: 7 } },
  { name: 'chat', offsetS: 20, attributes: { 'input.value': 'goodbye', model: 'gpt-4o' } },
  { name: 'CHAT', offsetS: 70, attributes: { 'output.value': 'say HELLO back', model: 'claude' } },
  { name: 'embed', offsetS: 3 * 3600 - 100, attributes: { model: 'text-embedding-3' } },
];

describe("_search runs OpenObserve's SQL dialect", () => {
  let s: StoreGateway;
  const range = { start_time: BASE_US, end_time: BASE_US + 3 * HOUR_US };
  const hits = async (sql: string, query: Record<string, unknown> = range): Promise<Hit[]> => {
    const { status, body } = await s.search(sql, { query });
    assert.equal(status, 200, `${sql} → ${JSON.stringify(body)}`);
    return body.hits;
  };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
    for (const [stream, specs] of [
      ['dialect', SPANS],
      ['plain', [{ name: 'no text', offsetS: 0 }]],
    ] as const) {
      const response = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stream-name': stream },
        body: otlp([...specs]),
      });
      assert.equal(response.status, 200);
    }
    await s.waitForHits('SELECT * FROM dialect', SPANS.length, { query: range });
  });
  after(() => s.close());

  it("histogram(_timestamp, '1m') and other short intervals bucket as OpenObserve's date_bin", async () => {
    const sql = (interval: string) =>
      `SELECT histogram(_timestamp, '${interval}') AS t, count(*) AS n FROM dialect WHERE model LIKE 'gpt%' OR model = 'claude' GROUP BY t ORDER BY t`;
    const at = (offsetS: number) => new Date(BASE_US / 1000 + offsetS * 1000).toISOString().slice(0, 19);
    assert.deepEqual(await hits(sql('1m')), [
      { t: at(0), n: 2 },
      { t: at(60), n: 1 },
    ]);
    assert.deepEqual(await hits(sql('30 seconds')), [
      { t: at(0), n: 2 },
      { t: at(60), n: 1 },
    ]);
    assert.deepEqual(await hits(sql('1h')), [{ t: at(0), n: 3 }]);
    const { body } = await s.search(sql('5m'), { query: range });
    assert.equal(body.histogram_interval, 300, 'the answer carries the interval in seconds');
  });

  it('one-argument histogram(_timestamp) picks the interval from the time range', async () => {
    const sql = 'SELECT histogram(_timestamp) AS t, count(*) AS n FROM dialect GROUP BY t ORDER BY t';
    const at = (offsetS: number) => new Date(BASE_US / 1000 + offsetS * 1000).toISOString().slice(0, 19);
    // One hour of range → 30-second buckets.
    const hour = { start_time: BASE_US, end_time: BASE_US + HOUR_US };
    const { body } = await s.search(sql, { query: hour });
    assert.equal(body.histogram_interval, 30);
    assert.deepEqual(
      body.hits.map((h) => [h.t, h.n]),
      [
        [at(0), 2],
        [at(60), 1],
      ],
    );
    // Seven days → one hour.
    const week = { start_time: BASE_US - 6 * 24 * HOUR_US, end_time: BASE_US + 24 * HOUR_US };
    const weekly = await s.search(sql, { query: week });
    assert.equal(weekly.body.histogram_interval, 3600);
    assert.deepEqual(
      weekly.body.hits.map((h) => h.n),
      [3, 1],
    );
  });

  it('a bare number is not an interval (20001), as in OpenObserve', async () => {
    const { status, body } = await s.search(`SELECT histogram(_timestamp, '60') AS t FROM dialect`, {
      query: range,
    });
    assert.equal(status, 400);
    assert.equal(body.code, 20001);
    assert.match(body.error_detail ?? '', /Invalid histogram interval: 60/);
  });

  it('LIKE tells case apart; ILIKE does not', async () => {
    const names = async (where: string) =>
      (await hits(`SELECT operation_name FROM dialect WHERE ${where} ORDER BY _timestamp`)).map(
        (h) => h.operation_name,
      );
    assert.deepEqual(await names(`operation_name LIKE 'chat'`), ['chat']);
    assert.deepEqual(await names(`operation_name LIKE 'C%'`), ['Chat', 'CHAT']);
    assert.deepEqual(await names(`operation_name ILIKE 'chat'`), ['Chat', 'chat', 'CHAT']);
    assert.deepEqual(await names(`operation_name NOT ILIKE 'ch_t'`), ['embed']);
  });

  it('approx_distinct counts distinct values', async () => {
    assert.deepEqual(await hits('SELECT approx_distinct(model) AS models FROM dialect'), [{ models: 3 }]);
  });

  it("match_all('text') searches the stream's full-text columns, ignoring case", async () => {
    const matched = await hits(
      `SELECT operation_name FROM dialect WHERE match_all('hello') ORDER BY _timestamp`,
    );
    assert.deepEqual(
      matched.map((h) => h.operation_name),
      ['Chat', 'CHAT'],
    );
    const { status, body } = await s.search(`SELECT * FROM plain WHERE match_all('x')`, { query: range });
    assert.equal(status, 400);
    assert.equal(body.code, 20001, 'a stream without full-text columns cannot be searched so');
  });

  it('date_trunc and to_timestamp_micros answer timestamps as OpenObserve writes them', async () => {
    const [row] = await hits(
      `SELECT date_trunc('hour', _timestamp) AS h, date_trunc('minute', to_timestamp_micros(_timestamp)) AS m,
       to_timestamp_micros(_timestamp) AS ts FROM dialect WHERE operation_name = 'CHAT'`,
    );
    const hour = new Date(BASE_US / 1000).toISOString().slice(0, 19);
    const minute = new Date(BASE_US / 1000 + 60_000).toISOString().slice(0, 19);
    assert.deepEqual(row, {
      h: hour,
      m: minute,
      ts: `${new Date(BASE_US / 1000 + 70_000).toISOString().slice(0, 19)}.000123`,
    });
  });

  it('casts with ::', async () => {
    const [row] = await hits(
      `SELECT n::text AS t, '42'::bigint AS i, n::double / 2 AS d, (n + 1)::varchar AS v FROM dialect WHERE n IS NOT NULL`,
    );
    assert.deepEqual(row, { t: '7', i: 42, d: 3.5, v: '8' });
  });
});
