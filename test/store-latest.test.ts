/**
 * `GET /api/{org}/{stream}/traces/latest` over HTTP, answered field for field as OpenObserve's
 * `get_latest_traces` (src/api/search/src/traces/mod.rs there): per-trace tokens, cost, first input
 * messages and models of an LLM stream, the longest span per service, `first_event` as the root's
 * service and operation, aggregates over the spans matching the filter, and 400 without a time range.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const AGENT = 'a1000000000000000000000000000001';
const PING = 'b2000000000000000000000000000002';
// Whole seconds, so nanosecond times are exact as JSON numbers read back into doubles.
const T0_MS = Math.floor(Date.now() / 1000) * 1000 - 120_000;
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const int = (key: string, v: number) => ({ key, value: { intValue: v } });
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

function span(id: string, name: string, startMs: number, durationMs: number, more: Record<string, unknown>) {
  return {
    spanId: id,
    name,
    kind: 1,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(startMs + durationMs),
    ...more,
  };
}

function chat(
  id: string,
  startMs: number,
  durationMs: number,
  usage: [number, number, number],
  more: object,
) {
  const [input, output, cost] = usage;
  return span(id, 'ChatCompletion', startMs, durationMs, {
    traceId: AGENT,
    parentSpanId: 'a100000000000001',
    attributes: [
      int('gen_ai.usage.input_tokens', input),
      int('gen_ai.usage.output_tokens', output),
      int('gen_ai.usage.total_tokens', input + output),
      { key: 'gen_ai.usage.cost', value: { doubleValue: cost } },
      ...Object.entries(more).map(([k, v]) => str(k, String(v))),
    ],
  });
}

const resource = (service: string) => ({ attributes: [str('service.name', service)] });
const body = {
  resourceSpans: [
    {
      resource: resource('app'),
      scopeSpans: [
        {
          spans: [
            span('a100000000000001', 'agent run', T0_MS, 500, { traceId: AGENT }),
            chat('a100000000000002', T0_MS + 10, 300, [100, 20, 0.001], {
              'gen_ai.response.model': 'gpt-4o-mini',
              'gen_ai.input.messages': '[{"role":"user","content":"first"}]',
            }),
            span('b200000000000001', 'ping', T0_MS + 60_000, 5, { traceId: PING }),
          ],
        },
      ],
    },
    {
      resource: resource('tools'),
      scopeSpans: [
        {
          spans: [
            {
              ...chat('a100000000000003', T0_MS + 350, 100, [50, 5, 0.0005], {
                'gen_ai.response.model': 'claude-3',
                'gen_ai.input.messages': '[{"role":"user","content":"second"}]',
              }),
              status: { code: 2, message: 'overloaded' },
            },
          ],
        },
      ],
    },
  ],
};

describe("traces/latest, as OpenObserve's get_latest_traces answers", () => {
  let s: StoreGateway;
  const range = `start_time=${(T0_MS - 60_000) * 1000}&end_time=${(Date.now() + 60_000) * 1000}`;
  const latest = async (query: string) => {
    const response = await fetch(`${s.gateway.url}/api/default/default/traces/latest?${query}`);
    const answer = (await response.json()) as Record<string, unknown>;
    delete answer.took;
    return { status: response.status, answer };
  };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
    const response = await fetch(`${s.gateway.url}/api/default/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    await s.waitForHits('SELECT * FROM "default"', 4, {
      query: { start_time: (T0_MS - 60_000) * 1000, end_time: (Date.now() + 60_000) * 1000 },
    });
  });
  after(() => s.close());

  const agent = {
    trace_id: AGENT,
    start_time: Number(ns(T0_MS)),
    end_time: Number(ns(T0_MS + 500)),
    duration: 500_000,
    spans: [3, 1],
    // Each service's span count and its longest span (µs), not the sum of its spans.
    service_name: [
      { service_name: 'app', count: 2, duration: 500_000 },
      { service_name: 'tools', count: 1, duration: 100_000 },
    ],
    first_event: { service_name: 'app', operation_name: 'agent run' },
    gen_ai_usage_input_tokens: 150,
    gen_ai_usage_output_tokens: 25,
    gen_ai_usage_total_tokens: 175,
    gen_ai_usage_cost: 0.001 + 0.0005,
    gen_ai_input_messages: '[{"role":"user","content":"first"}]',
    models: ['claude-3', 'gpt-4o-mini'],
  };
  const ping = {
    trace_id: PING,
    start_time: Number(ns(T0_MS + 60_000)),
    end_time: Number(ns(T0_MS + 60_005)),
    duration: 5000,
    spans: [1, 0],
    service_name: [{ service_name: 'app', count: 1, duration: 5000 }],
    first_event: { service_name: 'app', operation_name: 'ping' },
    gen_ai_usage_input_tokens: 0,
    gen_ai_usage_output_tokens: 0,
    gen_ai_usage_total_tokens: 0,
    gen_ai_usage_cost: 0,
    gen_ai_input_messages: null,
    models: [],
  };

  it('answers one hit per trace with the LLM totals, newest first', async () => {
    const { status, answer } = await latest(range);
    assert.equal(status, 200);
    assert.deepEqual(answer, { total: 2, from: 0, size: 10, hits: [ping, agent] });
  });

  it('sorts by duration, either way', async () => {
    const { answer } = await latest(`${range}&sort_by=duration&sort_order=asc&size=5`);
    assert.deepEqual(answer, { total: 2, from: 0, size: 5, hits: [ping, agent] });
    const longest = await latest(`${range}&sort_by=duration&size=1`);
    assert.deepEqual(longest.answer, { total: 1, from: 0, size: 1, hits: [agent] });
  });

  it('aggregates only the spans that match the filter', async () => {
    const filter = encodeURIComponent("gen_ai_response_model = 'gpt-4o-mini'");
    const { answer } = await latest(`${range}&filter=${filter}`);
    assert.deepEqual(answer, {
      total: 1,
      from: 0,
      size: 10,
      hits: [
        {
          trace_id: AGENT,
          start_time: Number(ns(T0_MS + 10)),
          end_time: Number(ns(T0_MS + 310)),
          duration: 300_000,
          spans: [1, 0],
          service_name: [{ service_name: 'app', count: 1, duration: 300_000 }],
          // No root among the matching spans: the first of them.
          first_event: { service_name: 'app', operation_name: 'ChatCompletion' },
          gen_ai_usage_input_tokens: 100,
          gen_ai_usage_output_tokens: 20,
          gen_ai_usage_total_tokens: 120,
          gen_ai_usage_cost: 0.001,
          gen_ai_input_messages: '[{"role":"user","content":"first"}]',
          models: ['gpt-4o-mini'],
        },
      ],
    });
  });

  it('refuses a request without start_time or end_time, and an unknown sort_by, with 400', async () => {
    const end = `end_time=${(Date.now() + 60_000) * 1000}`;
    for (const [query, message] of [
      [end, 'start_time is empty'],
      [`start_time=0&${end}`, 'start_time is empty'],
      [`start_time=${(T0_MS - 60_000) * 1000}`, 'end_time is empty'],
      [`${range}&sort_by=name`, 'Invalid sort_by field, only support duration and start_time'],
    ]) {
      const { status, answer } = await latest(query ?? '');
      assert.equal(status, 400, query);
      assert.deepEqual(answer, { code: 400, message });
    }
  });
});
