import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportTargets } from '../src/telemetry/export-targets.ts';
import { createTelemetry, type Telemetry } from '../src/telemetry/telemetry.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream, UPSTREAM_MODEL } from './helpers/mock-upstream.ts';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';

const UPSTREAM_KEY = 'sk-test-upstream-secret';
/** gpt-4o-mini: $0.15 / M input, $0.075 / M cached input, $0.60 / M output. */
const EXPECTED_COST = (10 * 0.15 + 2 * 0.075 + 7 * 0.6) / 1e6;
const AUTH = 'Basic dGVzdEBleGFtcGxlLmNvbTpzZWNyZXQ=';

describe('every request traced to OpenObserve', () => {
  let receiver: Receiver;
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  let telemetry: Telemetry | undefined;

  before(async () => {
    receiver = await startReceiver();
    upstream = await startMockUpstream();
    const env = {
      OPENOBSERVE_URL: receiver.url,
      OPENOBSERVE_ORG: 'acme',
      OPENOBSERVE_AUTH_TOKEN: AUTH,
      OPENOBSERVE_TRACES_STREAM_NAME: 'llm',
    };
    telemetry = createTelemetry({
      targets: exportTargets(env),
      serviceName: 'tollgate',
      version: 'test',
      hideInputs: false,
      hideOutputs: false,
      maxValueLength: 32 * 1024,
    });
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'gpt-test',
            model: 'gpt-4o-mini',
            apiBase: upstream.url,
            apiKey: UPSTREAM_KEY,
            id: 'dep-a',
          }),
        ],
      }),
      telemetry,
    );
  });
  after(async () => {
    await gateway.close();
    await telemetry?.shutdown();
    await upstream.close();
    await receiver.close();
  });

  it('exports a ChatCompletion span with the seed columns, and its attempt span', async () => {
    const { response } = await gateway
      .client()
      .chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0.2,
      })
      .withResponse();
    const callId = response.headers.get('x-tollgate-call-id');
    // gpt-4o-mini from the bundled price table: 10 fresh + 2 cached prompt tokens, 7 completion tokens.
    const cost = Number(response.headers.get('x-tollgate-response-cost'));
    assert.ok(Math.abs(cost - EXPECTED_COST) < 1e-12, `cost ${cost}`);
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.gen_ai_request_temperature === 0.2,
    );
    assert.equal(row.llm_model_name, 'gpt-4o-mini');
    assert.equal(row.gen_ai_response_model, UPSTREAM_MODEL);
    assert.equal(row.llm_system, 'openai');
    assert.equal(row.llm_token_count_prompt, 12);
    assert.equal(row.llm_token_count_completion, 7);
    assert.equal(row.llm_token_count_total, 19);
    assert.equal(row.llm_token_count_prompt_details_cache_read, 2);
    assert.equal(row.llm_token_count_completion_details_reasoning, 1);
    assert.equal(row.llm_request_parameters_model, 'gpt-test');
    assert.deepEqual(JSON.parse(String(row.llm_invocation_parameters)), { temperature: 0.2 });
    assert.equal(row.llm_observation_type, 'GENERATION');
    assert.equal(row.openinference_span_kind, 'LLM');
    assert.equal(row.input_mime_type, 'application/json');
    assert.equal(row.output_mime_type, 'application/json');
    assert.equal(row.span_status, 'OK');
    assert.equal(row.span_kind, '2');
    assert.ok(Number(row.duration) > 0);
    assert.equal(row.tollgate_deployment_id, 'dep-a');
    assert.equal(row.llm_cost_total, cost);
    assert.equal(row.llm_input_messages_0_message_role, 'user');
    assert.equal(row.llm_input_messages_0_message_content, 'hi');
    assert.equal(row.llm_output_messages_0_message_role, 'assistant');
    assert.equal(
      row.llm_output_messages_0_message_content,
      'Hello from the mock upstream (asked for gpt-4o-mini)',
    );
    assert.equal(row.gen_ai_usage_cost, cost);
    assert.ok(callId);
    const attempt = await receiver.waitFor((r) => r.reference_parent_span_id === row.span_id);
    assert.equal(attempt.operation_name, 'upstream openai');
    assert.equal(attempt.span_kind, '3');
    assert.equal(attempt.llm_model_name, undefined, 'an attempt span is not counted as an LLM call');
    const request = receiver.requests.at(-1);
    assert.equal(request?.path, '/api/acme/v1/traces');
    assert.equal(request?.headers.authorization, AUTH);
    assert.equal(request?.headers['stream-name'], 'llm');
  });

  it('records token usage for a stream, even when the client did not ask for usage', async () => {
    const stream = await gateway.client().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    for await (const chunk of stream) assert.equal(chunk.usage, undefined, 'the client sees no usage');
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.gen_ai_request_stream === true,
    );
    assert.equal(row.llm_token_count_total, 19);
    assert.ok(Number(row.gen_ai_response_time_to_first_chunk) > 0);
    assert.equal(row.llm_output_messages_0_message_content, 'Hello from the stream');
    assert.ok(Math.abs(Number(row.llm_cost_total) - EXPECTED_COST) < 1e-12, 'streams are priced too');
    assert.equal(row.llm_token_count_prompt_details_cache_read, 2);
    assert.equal(row.llm_token_count_completion_details_reasoning, 1);
    assert.deepEqual(JSON.parse(String(row.output_value)), {
      role: 'assistant',
      content: 'Hello from the stream',
    });
  });

  it('counts tokens locally, marked estimated, for an upstream that refuses stream_options', async () => {
    upstream.defaultScript = { rejectStreamOptions: true };
    try {
      const stream = await gateway.client().chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'estimate me' }],
        stream: true,
        n: 1,
      });
      for await (const _ of stream) {
      }
    } finally {
      upstream.defaultScript = {};
    }
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.tollgate_usage_estimated === true,
    );
    assert.equal(row.llm_token_count_completion, 4, '"Hello from the stream" is 4 tokens');
    assert.ok(Number(row.llm_token_count_prompt) > 0);
  });

  it('marks a failed request ERROR', async () => {
    upstream.queue({ status: 500, body: { error: { message: 'upstream exploded' } } });
    await assert.rejects(
      gateway.client().chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'boom' }],
        top_p: 0.5,
      }),
    );
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.gen_ai_request_top_p === 0.5,
    );
    assert.equal(row.span_status, 'ERROR');
    assert.match(String(row.status_message), /upstream exploded/);
  });

  it('records a request refused before routing as an ERROR span', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: 'not a list' }),
    });
    assert.equal(res.status, 400);
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.http_response_status_code === 400,
    );
    assert.equal(row.span_status, 'ERROR');
    assert.match(String(row.status_message), /messages/);
    assert.equal(row.tollgate_attempts, 0);
  });

  it("continues the caller's trace from traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await gateway.client().chat.completions.create(
      { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 },
      {
        headers: {
          traceparent: `00-${traceId}-${parentId}-01`,
          'x-session-id': 'sess-1',
          'x-user-id': 'user-7',
        },
      },
    );
    const row = await receiver.waitFor(
      (r) => r.operation_name === 'ChatCompletion' && r.gen_ai_request_max_tokens === 5,
    );
    assert.equal(row.trace_id, traceId);
    assert.equal(row.reference_parent_span_id, parentId);
    assert.equal(row.session_id, 'sess-1');
    assert.equal(row.user_id, 'user-7');
  });

  it('never exports a key', async () => {
    await telemetry?.shutdown();
    const all = Buffer.concat(receiver.requests.map((r) => r.bytes)).toString('latin1');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(UPSTREAM_KEY));
    assert.ok(!all.includes('sk-test-unused'), 'the client key is not exported');
  });
});
