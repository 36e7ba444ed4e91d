/**
 * Stored rows as OpenObserve answers them, over HTTP: attribute values are strings in `_search` hits and
 * trace details (OpenObserve stores them so), its gen_ai token and cost columns and the span's own
 * numeric columns are numbers, SQL still compares attribute numbers as numbers, and events and links
 * are JSON in OpenObserve's shapes with string values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const ROOT = 'eee19b7ec3c1b174';
const CHILD = 'eee19b7ec3c1b175';
// Whole seconds, so nanosecond times are exact as JSON numbers read back into doubles.
const T0_MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

const body = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'shop' } },
          { key: 'host.cpus', value: { intValue: 8 } },
        ],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: TRACE,
              spanId: ROOT,
              name: 'checkout',
              kind: 2,
              startTimeUnixNano: String(ns(T0_MS)),
              endTimeUnixNano: String(ns(T0_MS + 100)),
              status: { code: 1 },
              attributes: [
                { key: 'http.status_code', value: { intValue: 200 } },
                { key: 'cache.hit', value: { boolValue: true } },
                { key: 'sample.rate', value: { doubleValue: 0.5 } },
                { key: 'tags', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'a' }] } } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: 100 } },
                { key: 'gen_ai.usage.cost', value: { doubleValue: 0.0025 } },
              ],
              events: [
                {
                  name: 'retry',
                  timeUnixNano: String(ns(T0_MS + 10)),
                  attributes: [
                    { key: 'attempt', value: { intValue: 2 } },
                    { key: 'fatal', value: { boolValue: false } },
                    { key: 'delay', value: { doubleValue: 1.5 } },
                  ],
                },
              ],
            },
            {
              traceId: TRACE,
              spanId: CHILD,
              parentSpanId: ROOT,
              name: 'charge',
              kind: 3,
              startTimeUnixNano: String(ns(T0_MS + 20)),
              endTimeUnixNano: String(ns(T0_MS + 60)),
              links: [
                {
                  traceId: TRACE,
                  spanId: ROOT,
                  traceState: 'k=v',
                  flags: 1,
                  droppedAttributesCount: 1,
                  attributes: [
                    { key: 'link.kind', value: { stringValue: 'follows' } },
                    { key: 'link.n', value: { intValue: 2 } },
                  ],
                },
                // A malformed span id: OpenObserve leaves the link out and keeps the span.
                { traceId: TRACE, spanId: 'abcd' },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('stored rows in answers, as OpenObserve gives them', () => {
  let s: StoreGateway;
  const range = { start_time: (T0_MS - 60_000) * 1000, end_time: (Date.now() + 60_000) * 1000 };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
    const response = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    await s.waitForHits(`SELECT * FROM "default" WHERE trace_id = '${TRACE}'`, 2, { query: range });
  });
  after(() => s.close());

  it('_search: attributes as strings, span columns and gen_ai usage as numbers', async () => {
    const { status, body: answer } = await s.search(
      `SELECT _timestamp, trace_id, span_id, operation_name, span_kind, span_status, status_code, start_time,
         end_time, duration, flags, service_name, service_host_cpus, http_status_code, cache_hit, sample_rate,
         tags, gen_ai_usage_input_tokens, gen_ai_usage_cost, events
       FROM "default" WHERE span_id = '${ROOT}'`,
      { query: range },
    );
    assert.equal(status, 200);
    assert.deepEqual(answer.hits, [
      {
        _timestamp: T0_MS * 1000,
        trace_id: TRACE,
        span_id: ROOT,
        operation_name: 'checkout',
        span_kind: '2',
        span_status: 'OK',
        status_code: 1,
        start_time: Number(ns(T0_MS)),
        end_time: Number(ns(T0_MS + 100)),
        duration: 100_000,
        flags: 1,
        service_name: 'shop',
        service_host_cpus: '8',
        http_status_code: '200',
        cache_hit: 'true',
        sample_rate: '0.5',
        tags: '["1","a"]',
        gen_ai_usage_input_tokens: 100,
        gen_ai_usage_cost: 0.0025,
        events: `[{"name":"retry","_timestamp":${ns(T0_MS + 10)},"attempt":"2","fatal":"false","delay":"1.5"}]`,
      },
    ]);
  });

  it('SQL still compares attribute numbers as numbers; computed values keep their type', async () => {
    const { body: answer } = await s.search(
      `SELECT span_id, http_status_code + 1 AS next, sample_rate * 2 AS twice FROM "default"
       WHERE http_status_code > 100 AND sample_rate < 1 AND cache_hit`,
      { query: range },
    );
    assert.deepEqual(answer.hits, [{ span_id: ROOT, next: 201, twice: 1 }]);
    const { body: none } = await s.search(`SELECT span_id FROM "default" WHERE http_status_code > 1000`, {
      query: range,
    });
    assert.deepEqual(none.hits, []);
  });

  it("links: OpenObserve's SpanLink JSON, attributes beside the context, bad links left out", async () => {
    const { body: answer } = await s.search(`SELECT links FROM "default" WHERE span_id = '${CHILD}'`, {
      query: range,
    });
    assert.deepEqual(answer.hits, [
      {
        links:
          `[{"context":{"traceId":"${TRACE}","spanId":"${ROOT}","traceFlags":1,"traceState":"k=v"},` +
          '"link.kind":"follows","link.n":"2","droppedAttributesCount":1}]',
      },
    ]);
  });

  it('trace details give the same values', async () => {
    const response = await fetch(
      `${s.gateway.url}/api/default/default/traces/${TRACE}/details?start_time=${range.start_time}&end_time=${range.end_time}`,
    );
    assert.equal(response.status, 200);
    const details = (await response.json()) as { hits: Array<Record<string, unknown>> };
    const root = details.hits.find((h) => h.span_id === ROOT);
    assert.deepEqual(
      [root?.http_status_code, root?.cache_hit, root?.sample_rate, root?.gen_ai_usage_input_tokens],
      ['200', 'true', '0.5', 100],
    );
    assert.equal(root?.duration, 100_000);
  });
});
