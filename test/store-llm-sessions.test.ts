/**
 * OpenObserve's LLM sessions and users endpoints on the embedded store (`traces/session`,
 * `traces/session/details`, `traces/user`), against spans sent over OTLP with `gen_ai.*` attributes:
 * sessions by `gen_ai_conversation_id`, users by `user_id`, answered field by field as OpenObserve does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { exactJson, MESSAGES, ns, sendLlmSpans, TRACE_A, TRACE_B, withoutTook } from './helpers/llm-spans.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const RANGE = `start_time=${ns(-60) / 1000n}&end_time=${BigInt(Date.now() + 60_000) * 1000n}`;
const CACHE_ZEROS = {
  gen_ai_usage_cache_read_input_tokens: 0,
  gen_ai_usage_cache_creation_input_tokens: 0,
  gen_ai_usage_cost_cache_read_input: 0,
  gen_ai_usage_cost_cache_creation_input: 0,
  gen_ai_usage_cost_estimated_without_cache: 0,
  gen_ai_usage_cost_cache_read_savings: 0,
  gen_ai_usage_cost_net_cache_impact: 0,
};

describe("the store's LLM sessions and users, as OpenObserve answers them", () => {
  let s: StoreGateway;
  const get = async (path: string) => {
    const res = await fetch(`${s.gateway.url}${path}`);
    return { status: res.status, body: withoutTook(exactJson(await res.text())) };
  };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
    await sendLlmSpans(`${s.gateway.url}/api/default/v1/traces`, 'llm');
    await s.waitForHits('SELECT * FROM "llm"', 4);
  });
  after(() => s.close());

  it('lists sessions by last activity with their totals, users and first user message', async () => {
    const { status, body } = await get(`/api/default/llm/traces/session?${RANGE}`);
    assert.equal(status, 200);
    const totals = (input: number, output: number, cost: number) => ({
      gen_ai_usage_input_tokens: input,
      gen_ai_usage_output_tokens: output,
      gen_ai_usage_total_tokens: input + output,
      gen_ai_usage_cost: cost,
      ...CACHE_ZEROS,
    });
    assert.deepEqual(body, {
      took: 0,
      total: 2,
      from: 0,
      size: 10,
      hits: [
        {
          session_id: 's2',
          start_time: ns(120),
          end_time: ns(123),
          duration: 3e9,
          trace_count: 1,
          ...totals(1, 1, 0.25),
          error_count: 0,
          user_ids: ['u1'],
          first_user_message: null,
        },
        {
          session_id: 's1',
          start_time: ns(0),
          end_time: ns(61),
          duration: 61e9,
          trace_count: 2,
          ...totals(30, 15, 1.75),
          error_count: 0,
          user_ids: ['u1', 'u2'],
          first_user_message: 'hello there',
        },
      ],
      has_more: false,
      total_is_exact: true,
    });
  });

  it('pages sessions with one more fetched to tell whether more exist, and filters by any span', async () => {
    const page = await get(`/api/default/llm/traces/session?${RANGE}&size=1`);
    const { hits, ...rest } = page.body as { hits: Array<{ session_id: string }> };
    assert.deepEqual(rest, { took: 0, total: 2, from: 0, size: 1, has_more: true, total_is_exact: false });
    assert.deepEqual(
      hits.map((h) => h.session_id),
      ['s2'],
    );
    const filtered = await get(
      `/api/default/llm/traces/session?${RANGE}&filter=${encodeURIComponent("user_id = 'u2'")}`,
    );
    assert.deepEqual(
      (filtered.body as { hits: Array<{ session_id: string }> }).hits.map((h) => h.session_id),
      ['s1'],
    );
  });

  it("answers one session's turns, each trace summed over all its spans (the tool error too)", async () => {
    const { status, body } = await get(`/api/default/llm/traces/session/details?session_id=s1`);
    assert.equal(status, 200);
    const turn = (trace: string, startS: number, endS: number, spans: [number, number]) => {
      const micros = (endS - startS) * 1_000_000;
      return {
        trace_id: trace,
        start_time: ns(startS),
        end_time: ns(endS),
        duration: micros,
        spans,
        service_name: [{ service_name: 'app', count: spans[0], duration: micros }],
        first_event: { service_name: 'app', operation_name: 'chat' },
      };
    };
    assert.deepEqual(body, {
      took: 0,
      total: 2,
      from: 0,
      size: 1000,
      hits: [
        {
          ...turn(TRACE_B, 60, 61, [1, 0]),
          gen_ai_usage_input_tokens: 20,
          gen_ai_usage_output_tokens: 10,
          gen_ai_usage_total_tokens: 30,
          gen_ai_usage_cost: 1.25,
          ...CACHE_ZEROS,
          gen_ai_input_messages: null,
          models: ['m2'],
        },
        {
          ...turn(TRACE_A, 0, 2, [2, 1]),
          gen_ai_usage_input_tokens: 10,
          gen_ai_usage_output_tokens: 5,
          gen_ai_usage_total_tokens: 15,
          gen_ai_usage_cost: 0.5,
          ...CACHE_ZEROS,
          gen_ai_input_messages: MESSAGES,
          models: ['m1'],
        },
      ],
    });
  });

  it('refuses session details without a session id, and an unknown one without a range', async () => {
    assert.deepEqual(await get('/api/default/llm/traces/session/details'), {
      status: 400,
      body: { code: 400, message: 'session_id is empty' },
    });
    assert.deepEqual(await get('/api/default/llm/traces/session/details?session_id=nope'), {
      status: 400,
      body: {
        code: 400,
        message: 'A caller time range is required when the session time index has no result',
      },
    });
    assert.deepEqual(await get(`/api/default/llm/traces/session/details?session_id=nope&${RANGE}`), {
      status: 200,
      body: { took: 0, total: 0, from: 0, size: 1000, hits: [] },
    });
  });

  it('lists users with their traces, tokens and cost, latest activity first', async () => {
    const { status, body } = await get(`/api/default/llm/traces/user?${RANGE}`);
    assert.equal(status, 200);
    assert.deepEqual(body, {
      took: 0,
      total: 2,
      from: 0,
      size: 10,
      hits: [
        {
          user_id: 'u1',
          first_event: ns(0),
          last_event: ns(123),
          total_events: 2,
          gen_ai_usage_total_tokens: 17,
          gen_ai_usage_cost: 0.75,
        },
        {
          user_id: 'u2',
          first_event: ns(60),
          last_event: ns(61),
          total_events: 1,
          gen_ai_usage_total_tokens: 30,
          gen_ai_usage_cost: 1.25,
        },
      ],
    });
  });

  it("requires the time range for the lists, with OpenObserve's messages", async () => {
    for (const path of ['traces/session', 'traces/user']) {
      assert.deepEqual(await get(`/api/default/llm/${path}`), {
        status: 400,
        body: { code: 400, message: 'start_time is empty' },
      });
      assert.deepEqual(await get(`/api/default/llm/${path}?start_time=1`), {
        status: 400,
        body: { code: 400, message: 'end_time is empty' },
      });
    }
  });

  it("refuses sessions of a stream without OpenObserve's LLM columns", async () => {
    await sendLlmSpans(`${s.gateway.url}/api/default/v1/traces`, 'plain', [
      {
        traceId: 'd'.repeat(32),
        spanId: 'd000000000000001',
        name: 'plain',
        startS: 0,
        endS: 1,
        attributes: { 'gen_ai.conversation.id': 's9' },
      },
    ]);
    await s.waitForHits('SELECT * FROM "plain"');
    assert.deepEqual(await get(`/api/default/plain/traces/session?${RANGE}`), {
      status: 400,
      body: { code: 400, message: "Missing required LLM field 'llm_usage_tokens_input' in stream 'plain'" },
    });
  });
});
