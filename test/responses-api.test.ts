/**
 * The Responses API (`/v1/responses`) through the real server with the official openai SDK: passed
 * through to OpenAI (the upstream's bytes unchanged, plain and streamed), translated for Anthropic
 * (answers and events the SDK's types and stream helper accept, a function-call round trip), earlier
 * turns kept for `previous_response_id`, the calls about kept responses, and the spans in the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { fixtureJson as anthropicJson, fixtureText as anthropicText } from './fixtures/anthropic/fixtures.ts';
import { fixtureJson, fixtureText } from './fixtures/openai/fixtures.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const KEY = 'sk-test-openai-key';
const WEATHER = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

describe('/v1/responses', () => {
  let upstream: FixtureUpstream;
  let s: StoreGateway;
  let client: OpenAI;
  const sent = (path: string) => upstream.received.filter((r) => r.path === path).at(-1);

  before(async () => {
    upstream = await startFixtureUpstream();
    s = await startStoreGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'gpt',
            model: 'gpt-4.1-mini',
            apiBase: `${upstream.url}/v1`,
            apiKey: KEY,
          }),
          deployment({
            modelName: 'azure-gpt',
            provider: 'azure',
            model: 'my-gpt41-deployment',
            litellmModel: 'azure/my-gpt41-deployment',
            apiBase: `${upstream.url}/openai`,
            apiKey: 'sk-test-azure-key',
            apiVersion: '2024-10-21',
          }),
          // One group over two OpenAI accounts: a conversation kept by one is unknown to the other.
          deployment({
            id: 'pair-a',
            modelName: 'pair',
            model: 'gpt-4.1-mini',
            apiBase: `${upstream.url}/a/v1`,
          }),
          deployment({
            id: 'pair-b',
            modelName: 'pair',
            model: 'gpt-4.1-mini',
            apiBase: `${upstream.url}/b/v1`,
          }),
          // An OpenAI-compatible server at an `openai/` api_base, without the Responses API (vLLM, Ollama).
          deployment({ modelName: 'local', model: 'qwen3', apiBase: `${upstream.url}/local/v1` }),
          deployment({
            modelName: 'claude',
            provider: 'anthropic',
            model: 'claude-sonnet-4-5-20250929',
            litellmModel: 'anthropic/claude-sonnet-4-5-20250929',
            apiBase: upstream.url,
            apiKey: 'sk-test-anthropic-key',
          }),
        ],
      }),
    );
    client = s.gateway.client();
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  describe('to OpenAI, passed through', () => {
    it('relays the answer byte for byte, with the deployment model and key upstream', async () => {
      const recorded = fixtureJson<Record<string, unknown>>('responses-function-call.json');
      upstream.queue('/v1/responses', { json: recorded });
      const res = await fetch(`${s.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt',
          input: 'Weather in Paris?',
          tools: [WEATHER],
          metadata: { a: '1' },
        }),
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), JSON.stringify(recorded));
      const got = sent('/v1/responses');
      assert.equal(got?.body.model, 'gpt-4.1-mini');
      assert.equal(got?.body.input, 'Weather in Paris?');
      assert.deepEqual(got?.body.tools, [WEATHER]);
      assert.deepEqual(got?.body.metadata, { a: '1' });
      assert.equal(got?.headers.authorization, `Bearer ${KEY}`);
    });

    it('answers the SDK, and passes a function-call round trip on as the client sent it', async () => {
      upstream.queue('/v1/responses', { json: fixtureJson('responses-function-call.json') });
      const first = await client.responses.create({
        model: 'gpt',
        input: 'Weather in Paris?',
        tools: [WEATHER],
      });
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call && call.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      assert.equal(first.usage?.input_tokens_details.cached_tokens, 64);

      upstream.queue('/v1/responses', { json: fixtureJson('responses-text.json') });
      const input: OpenAI.Responses.ResponseInput = [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":18}' },
      ];
      const second = await client.responses.create({ model: 'gpt', input, tools: [WEATHER] });
      assert.equal(second.output_text, 'Tollgate records model, tokens, cost and latency.');
      assert.deepEqual(sent('/v1/responses')?.body.input, input);
    });

    it('relays a stream byte for byte, and the SDK stream helper assembles it', async () => {
      const transcript = fixtureText('responses-stream-text.sse');
      upstream.queue('/v1/responses', { sse: transcript });
      const res = await fetch(`${s.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt', input: 'What does Tollgate record?', stream: true }),
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(await res.text(), transcript);

      upstream.queue('/v1/responses', { sse: fixtureText('responses-stream-function-call.sse') });
      const stream = client.responses.stream({ model: 'gpt', input: 'Weather in Paris?', tools: [WEATHER] });
      const deltas: string[] = [];
      stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      assert.equal(deltas.join(''), '{"city":"Paris"}');
      const item = final.output[0];
      assert.equal(item?.type, 'function_call');
    });

    it('asks the deployment that made a response about it: GET, input_items and DELETE', async () => {
      upstream.queue('/v1/responses', { sse: fixtureText('responses-stream-function-call.sse') });
      const made = await client.responses
        .stream({ model: 'gpt', input: 'Weather?', tools: [WEATHER] })
        .finalResponse();
      const path = `/v1/responses/${made.id}`;
      upstream.queue(path, { json: fixtureJson('responses-function-call.json') });
      const kept = await client.responses.retrieve(made.id);
      assert.equal(kept.id, made.id);
      assert.equal(sent(path)?.method, 'GET');
      assert.equal(sent(path)?.headers.authorization, `Bearer ${KEY}`);
      const list = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
      upstream.queue(`${path}/input_items`, { json: list });
      await client.responses.inputItems.list(made.id, { limit: 5, order: 'asc' });
      assert.equal(sent(`${path}/input_items?limit=5&order=asc`)?.method, 'GET');
      upstream.queue(path, { json: { id: made.id, object: 'response', deleted: true } });
      await client.responses.delete(made.id);
      assert.equal(upstream.received.at(-1)?.method, 'DELETE');
      await assert.rejects(client.responses.retrieve(made.id), { status: 404 });
    });

    it('relays a response.failed as sent and traces the request as failed', async () => {
      const failed = fixtureText('responses-stream-text.sse')
        .split('\n\n')
        .slice(0, 4)
        .concat([
          `event: response.failed\ndata: ${JSON.stringify({
            type: 'response.failed',
            sequence_number: 4,
            response: {
              id: 'resp_failed_1',
              object: 'response',
              status: 'failed',
              model: 'gpt-4.1-mini',
              output: [],
              error: { code: 'server_error', message: 'The model crashed' },
            },
          })}`,
          '',
        ])
        .join('\n\n');
      upstream.queue('/v1/responses', { sse: failed });
      const res = await fetch(`${s.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt', input: 'native-failed-stream', stream: true }),
      });
      assert.equal(await res.text(), failed);
      const [span] = await s.waitForHits(
        `SELECT * FROM "default" WHERE operation_name = 'Response' AND input_value LIKE '%native-failed-stream%'`,
      );
      assert.equal(span?.span_status, 'ERROR');
      assert.equal(span?.error_type, 'api_error');
    });

    it('traces a native call as a Response span with its tokens and messages', async () => {
      const hits = await s.waitForHits(
        "SELECT * FROM \"default\" WHERE operation_name = 'Response' AND llm_model_name = 'gpt-4.1-mini'",
        3,
      );
      const span = hits.find((h) => h.llm_token_count_prompt === '74' && h.gen_ai_request_stream === 'false');
      assert.ok(span, 'the function-call answer is traced with its usage');
      assert.equal(span.gen_ai_operation_name, 'chat');
      assert.equal(span.llm_token_count_completion, '18');
      assert.equal(span.llm_token_count_prompt_details_cache_read, '64');
      assert.equal(span.gen_ai_response_model, 'gpt-4.1-mini-2025-04-14');
      assert.ok(Number(span.llm_cost_total) > 0, 'priced from the model and its usage');
      assert.equal(span.llm_input_messages_0_message_content, 'Weather in Paris?');
      assert.equal(span.llm_output_messages_0_message_tool_calls_0_tool_call_function_name, 'get_weather');
      const streamed = hits.find(
        (h) => h.gen_ai_request_stream === 'true' && h.llm_token_count_prompt === '36',
      );
      assert.ok(streamed, 'a passed-through stream is traced with the usage of its last event');
      assert.equal(
        streamed.llm_output_messages_0_message_content,
        'Tollgate records model, tokens, cost and latency.',
      );
    });
  });

  it('passes Azure OpenAI through to its v1 Responses API, with the deployment name and api-key', async () => {
    const recorded = fixtureJson<Record<string, unknown>>('responses-text.json');
    upstream.queue('/openai/v1/responses', { json: recorded });
    const answer = await client.responses.create({ model: 'azure-gpt', input: 'What does Tollgate record?' });
    assert.equal(answer.output_text, 'Tollgate records model, tokens, cost and latency.');
    const got = sent('/openai/v1/responses');
    assert.equal(got?.body.model, 'my-gpt41-deployment');
    assert.equal(got?.headers['api-key'], 'sk-test-azure-key');
  });

  it('sends a continued conversation to the deployment that keeps it', async () => {
    const text = fixtureJson('responses-text.json');
    for (const path of ['/a/v1/responses', '/b/v1/responses']) upstream.route(path, { json: text });
    const first = await client.responses.create({ model: 'pair', input: 'Hi' });
    const keeper = upstream.received.at(-1)?.path;
    for (let i = 0; i < 10; i++)
      await client.responses.create({ model: 'pair', input: `More ${i}`, previous_response_id: first.id });
    const paths = upstream.received.slice(-10).map((r) => r.path);
    assert.deepEqual(paths, Array(10).fill(keeper));
    assert.equal(upstream.received.at(-1)?.body.previous_response_id, first.id);
  });

  it('translates for an openai/ server that has no /responses, and remembers it', async () => {
    upstream.queue('/local/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
    upstream.queue('/local/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
    const first = await client.responses.create({
      model: 'local',
      input: 'Weather in Paris?',
      tools: [WEATHER],
    });
    const second = await client.responses.create({ model: 'local', input: 'Again?', tools: [WEATHER] });
    for (const answer of [first, second]) {
      const call = answer.output.find((i) => i.type === 'function_call');
      assert.equal(call?.type === 'function_call' ? call.arguments : undefined, '{"city":"Paris"}');
    }
    const paths = upstream.received.filter((r) => r.path.startsWith('/local/')).map((r) => r.path);
    assert.deepEqual(paths, [
      '/local/v1/responses',
      '/local/v1/chat/completions',
      '/local/v1/chat/completions',
    ]);
  });

  describe('to Anthropic, translated', () => {
    it('answers with function_call items the SDK reads, and sends Anthropic a Messages body', async () => {
      upstream.queue('/v1/messages', { json: anthropicJson('tool-use.anthropic-response.json') });
      const answer = await client.responses.create({
        model: 'claude',
        instructions: 'Use the tools.',
        input: 'Weather and time in Paris?',
        tools: [WEATHER],
        tool_choice: 'required',
        max_output_tokens: 300,
      });
      assert.equal(answer.object, 'response');
      assert.equal(answer.status, 'completed');
      assert.equal(answer.model, 'claude');
      const calls = answer.output.filter((i) => i.type === 'function_call');
      assert.ok(calls.length >= 1);
      const body = sent('/v1/messages')?.body;
      assert.equal(body?.model, 'claude-sonnet-4-5-20250929');
      assert.equal(body?.system, 'Use the tools.');
      assert.equal(body?.max_tokens, 300);
      assert.deepEqual(body?.tool_choice, { type: 'any' });
      assert.deepEqual((body?.tools as unknown[] | undefined)?.[0], {
        name: 'get_weather',
        description: 'Current weather in a city',
        input_schema: WEATHER.parameters,
      });

      upstream.queue('/v1/messages', { json: anthropicJson('text-cache.anthropic-response.json') });
      const call = calls[0];
      assert.ok(call && call.type === 'function_call');
      await client.responses.create({
        model: 'claude',
        input: [
          { role: 'user', content: 'Weather and time in Paris?' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":18}' },
        ],
        tools: [WEATHER],
      });
      const messages = sent('/v1/messages')?.body.messages as Array<{ role: string; content: unknown }>;
      assert.equal(messages.length, 3);
      assert.deepEqual(
        ((messages[1]?.content ?? []) as Array<Record<string, unknown>>).map((b) => [b.type, b.id, b.name]),
        [['tool_use', call.call_id, 'get_weather']],
      );
      assert.deepEqual(
        ((messages[2]?.content ?? []) as Array<Record<string, unknown>>).map((b) => [b.type, b.tool_use_id]),
        [['tool_result', call.call_id]],
      );
    });

    it('streams the full event sequence, numbered, which the SDK stream helper assembles', async () => {
      upstream.queue('/v1/messages', { sse: anthropicText('stream-tool-use.sse') });
      const stream = client.responses.stream({
        model: 'claude',
        input: 'Weather in Paris?',
        tools: [WEATHER],
      });
      const seen: Array<{ type: string; n: number }> = [];
      stream.on('event', (e) => seen.push({ type: e.type, n: e.sequence_number }));
      const final = await stream.finalResponse();
      assert.deepEqual(
        seen.map((e) => e.n),
        seen.map((_, i) => i),
      );
      assert.equal(seen[0]?.type, 'response.created');
      assert.equal(seen.at(-1)?.type, 'response.completed');
      for (const type of [
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.done',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
      ])
        assert.ok(
          seen.some((e) => e.type === type),
          `${type} is sent`,
        );
      assert.equal(final.status, 'completed');
      const call = final.output.find((i) => i.type === 'function_call');
      assert.ok(call && call.type === 'function_call');
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
      assert.ok((final.usage?.input_tokens ?? 0) > 0);
    });

    it('continues a kept conversation with previous_response_id, and serves GET, input_items and DELETE', async () => {
      const answer = () =>
        upstream.queue('/v1/messages', { json: anthropicJson('text-cache.anthropic-response.json') });
      answer();
      const first = await client.responses.create({ model: 'claude', input: 'What does Tollgate record?' });
      answer();
      const second = await client.responses.create({
        model: 'claude',
        input: 'And where does it send it?',
        previous_response_id: first.id,
      });
      answer();
      await client.responses.create({ model: 'claude', input: 'How fast?', previous_response_id: second.id });
      const messages = sent('/v1/messages')?.body.messages as Array<{ role: string; content: unknown }>;
      assert.deepEqual(
        messages.map((m) => m.role),
        ['user', 'assistant', 'user', 'assistant', 'user'],
      );
      assert.equal(messages[2]?.content, 'And where does it send it?');

      const kept = await client.responses.retrieve(first.id);
      assert.deepEqual(kept, first);
      // Each response lists its own input, as OpenAI's do: earlier turns are theirs.
      const items = await client.responses.inputItems.list(second.id);
      assert.equal(items.data.length, 1);
      const item = items.data[0];
      assert.equal(
        item?.type === 'message' ? JSON.stringify(item.content) : '',
        JSON.stringify([{ type: 'input_text', text: 'And where does it send it?' }]),
      );

      await client.responses.delete(first.id);
      await assert.rejects(client.responses.retrieve(first.id), { status: 404 });
      // The conversation lost its first turn: continuing it would silently drop context.
      await assert.rejects(
        client.responses.create({ model: 'claude', input: 'More?', previous_response_id: second.id }),
        (err: { status?: number; error?: { param?: string } }) =>
          err.status === 400 && err.error?.param === 'previous_response_id',
      );
    });

    it('refuses a previous_response_id it does not keep, for a provider without the conversation', async () => {
      await assert.rejects(
        client.responses.create({ model: 'claude', input: 'Hi', previous_response_id: 'resp_unknown' }),
        (err: { status?: number; error?: { param?: string } }) =>
          err.status === 400 && err.error?.param === 'previous_response_id',
      );
    });

    it('answers a bad body with OpenAI error JSON naming the parameter', async () => {
      const res = await fetch(`${s.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude', input: [{ type: 'made_up_call', id: 'x_1' }] }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { type: string; param: string } };
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.param, 'input[0].type');
    });

    it('traces a translated call with the conversation as messages', async () => {
      const hits = await s.waitForHits(
        "SELECT * FROM \"default\" WHERE operation_name = 'Response' AND llm_system = 'anthropic' AND llm_input_messages_0_message_role = 'system'",
      );
      const span = hits[0];
      assert.equal(span?.llm_input_messages_0_message_content, 'Use the tools.');
      assert.equal(span?.llm_input_messages_1_message_content, 'Weather and time in Paris?');
      assert.equal(span?.gen_ai_request_max_tokens, '300');
      assert.ok(Number(span?.llm_token_count_prompt) > 0);
    });
  });
});
