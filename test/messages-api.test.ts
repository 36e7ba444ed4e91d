/**
 * Anthropic's Messages API (`/v1/messages`, `/v1/messages/count_tokens`) through the real server with
 * the official @anthropic-ai/sdk, as Claude Code calls it: passed through to Anthropic (bytes unchanged,
 * version and beta headers forwarded, the deployment's key upstream), translated for an OpenAI model
 * (content blocks, tool use round trip, stream events the SDK helper assembles, token counts), errors in
 * Anthropic's shape, the master key as x-api-key or bearer token, and the spans in the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { fixtureJson as anthropicJson, fixtureText as anthropicText } from './fixtures/anthropic/fixtures.ts';
import { fixtureJson, fixtureText } from './fixtures/openai/fixtures.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const ANTHROPIC_KEY = 'sk-test-anthropic-key';
const SONNET = 'claude-sonnet-4-5-20250929';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('/v1/messages', () => {
  let upstream: FixtureUpstream;
  let s: StoreGateway;
  let client: Anthropic;
  const sent = (path: string) => upstream.received.filter((r) => r.path === path).at(-1);

  before(async () => {
    upstream = await startFixtureUpstream();
    s = await startStoreGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'claude',
            provider: 'anthropic',
            model: SONNET,
            litellmModel: `anthropic/${SONNET}`,
            apiBase: upstream.url,
            apiKey: ANTHROPIC_KEY,
          }),
          deployment({
            modelName: 'gpt',
            model: 'gpt-4.1-mini',
            apiBase: `${upstream.url}/v1`,
            apiKey: 'sk-test-oai',
          }),
          deployment({
            modelName: 'claude-flaky',
            provider: 'anthropic',
            model: SONNET,
            litellmModel: `anthropic/${SONNET}`,
            apiBase: `${upstream.url}/flaky`,
            apiKey: ANTHROPIC_KEY,
            maxRetries: 1,
          }),
        ],
        fallbacks: {
          general: { 'claude-flaky': ['gpt'] },
          contextWindow: {},
          contentPolicy: {},
          default: [],
        },
        // Claude Code asks for dated Claude ids; an alias makes another configured model answer them.
        aliases: { 'claude-3-5-haiku-20241022': 'gpt' },
      }),
    );
    client = s.gateway.anthropic();
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  describe('to Anthropic, passed through', () => {
    it('relays the answer byte for byte, forwarding version and beta headers with the deployment key', async () => {
      const recorded = anthropicJson('text-cache.anthropic-response.json');
      upstream.queue('/v1/messages', { json: recorded });
      const res = await fetch(`${s.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': 'sk-test-client-key',
          'anthropic-version': '2023-06-01',
          'anthropic-beta': 'prompt-caching-2024-07-31',
        },
        body: JSON.stringify({
          model: 'claude',
          max_tokens: 256,
          system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: 'What does Tollgate record?' }],
          metadata: { user_id: 'user-7' },
        }),
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), JSON.stringify(recorded));
      const got = sent('/v1/messages');
      assert.equal(got?.body.model, SONNET);
      assert.deepEqual(got?.body.system, [
        { type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } },
      ]);
      assert.deepEqual(got?.body.metadata, { user_id: 'user-7' });
      assert.equal(got?.headers['x-api-key'], ANTHROPIC_KEY);
      assert.equal(got?.headers['anthropic-version'], '2023-06-01');
      assert.equal(got?.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
      assert.equal(got?.headers.authorization, undefined);
    });

    it('relays a stream byte for byte, and the SDK stream helper assembles it', async () => {
      const transcript = anthropicText('stream-tool-use.sse');
      upstream.queue('/v1/messages', { sse: transcript });
      const res = await fetch(`${s.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'claude',
          max_tokens: 256,
          stream: true,
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
        }),
      });
      assert.equal(await res.text(), transcript);

      upstream.queue('/v1/messages', { sse: transcript });
      const final = await client.messages
        .stream({
          model: 'claude',
          max_tokens: 256,
          tools: [WEATHER],
          messages: [{ role: 'user', content: 'Hi' }],
        })
        .finalMessage();
      const tool = final.content.find((b) => b.type === 'tool_use');
      assert.ok(tool && tool.type === 'tool_use');
      assert.deepEqual(tool.input, { city: 'Paris' });
    });

    it('relays an error event as Anthropic sent it, adds nothing, and traces the request as failed', async () => {
      const transcript = anthropicText('stream-error.sse');
      upstream.queue('/v1/messages', { sse: transcript });
      const res = await fetch(`${s.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'claude',
          max_tokens: 256,
          stream: true,
          messages: [{ role: 'user', content: 'native-stream-error' }],
        }),
      });
      assert.equal(await res.text(), transcript);
      const [span] = await s.waitForHits(
        "SELECT * FROM \"default\" WHERE operation_name = 'Messages' AND input_value LIKE '%native-stream-error%'",
      );
      assert.equal(span?.span_status, 'ERROR');
      assert.equal(span?.error_type, 'overloaded_error');
      assert.equal(span?.llm_output_messages_0_message_content, 'Once upon');
    });

    it('passes server tools to Anthropic, and still traces the conversation', async () => {
      upstream.queue('/v1/messages', { json: anthropicJson('text-cache.anthropic-response.json') });
      await client.messages.create({
        model: 'claude',
        max_tokens: 100,
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
        messages: [{ role: 'user', content: 'native-server-tool' }],
      });
      assert.deepEqual((sent('/v1/messages')?.body.tools as unknown[])?.[0], {
        type: 'web_search_20250305',
        name: 'web_search',
        max_uses: 2,
      });
      const [span] = await s.waitForHits(
        `SELECT * FROM "default" WHERE operation_name = 'Messages' AND input_value LIKE '%native-server-tool%'`,
      );
      assert.equal(span?.llm_input_messages_0_message_content, 'native-server-tool');
    });

    it('counts tokens at Anthropic', async () => {
      upstream.queue('/v1/messages/count_tokens', { json: { input_tokens: 4242 } });
      const count = await client.messages.countTokens({
        model: 'claude',
        messages: [{ role: 'user', content: 'How many tokens is this?' }],
      });
      assert.equal(count.input_tokens, 4242);
      assert.equal(sent('/v1/messages/count_tokens')?.body.model, SONNET);
    });

    it('passes the upstream error status on, in Anthropic shape', async () => {
      upstream.queue('/v1/messages', anthropicError('error-overloaded.json'));
      await assert.rejects(
        client.messages.create({
          model: 'claude',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
        (err: InstanceType<typeof Anthropic.APIError>) =>
          err.status === 529 &&
          (err.error as { error?: { type?: string } }).error?.type === 'overloaded_error',
      );
    });
  });

  it('retries Anthropic, then falls back to a translated model, in one Messages answer', async () => {
    const overloaded = anthropicError('error-overloaded.json');
    upstream.queue('/flaky/v1/messages', overloaded, overloaded);
    upstream.queue('/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
    const res = await fetch(`${s.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-flaky',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('x-tollgate-attempted-retries'), '1');
    assert.equal(res.headers.get('x-tollgate-attempted-fallbacks'), '1');
    const answer = (await res.json()) as Anthropic.Message;
    assert.equal(answer.type, 'message');
    assert.equal(answer.stop_reason, 'tool_use');
    assert.equal(upstream.received.filter((r) => r.path === '/flaky/v1/messages').length, 2);
  });

  describe('to an OpenAI model, translated', () => {
    it('answers with content blocks, tool use, stop reason and usage, from a chat completions call', async () => {
      upstream.queue('/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
      const answer = await client.messages.create({
        model: 'gpt',
        max_tokens: 300,
        system: 'Use the tools.',
        tools: [WEATHER],
        tool_choice: { type: 'any' },
        stop_sequences: ['END'],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      });
      assert.equal(answer.type, 'message');
      assert.equal(answer.role, 'assistant');
      assert.equal(answer.stop_reason, 'tool_use');
      assert.deepEqual(
        answer.content.map((b) => b.type),
        ['text', 'tool_use'],
      );
      const tool = answer.content[1];
      assert.ok(tool?.type === 'tool_use');
      assert.equal(tool.id, 'call_Wq7vT2bR9kLm3nPx5sYz1AbC');
      assert.deepEqual(tool.input, { city: 'Paris' });
      // OpenAI's prompt tokens include cached ones; Anthropic's input_tokens do not.
      assert.equal(answer.usage.input_tokens, 18);
      assert.equal(answer.usage.cache_read_input_tokens, 64);
      assert.equal(answer.usage.output_tokens, 21);

      const body = sent('/v1/chat/completions')?.body;
      assert.equal(body?.model, 'gpt-4.1-mini');
      assert.equal(body?.max_tokens, 300);
      assert.deepEqual(body?.stop, ['END']);
      assert.equal(body?.tool_choice, 'required');
      assert.deepEqual(body?.messages, [
        { role: 'system', content: 'Use the tools.' },
        { role: 'user', content: 'Weather in Paris?' },
      ]);

      upstream.queue('/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
      await client.messages.create({
        model: 'gpt',
        max_tokens: 300,
        tools: [WEATHER],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: tool.id, name: tool.name, input: tool.input }],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: tool.id, content: '{"temp_c":18}' }],
          },
        ],
      });
      const messages = sent('/v1/chat/completions')?.body.messages as Array<Record<string, unknown>>;
      assert.deepEqual(
        messages.map((m) => m.role),
        ['user', 'assistant', 'tool'],
      );
      assert.equal(messages[2]?.tool_call_id, tool.id);
      assert.equal(messages[2]?.content, '{"temp_c":18}');
    });

    it('streams Anthropic events, which the SDK stream helper assembles', async () => {
      upstream.queue('/v1/chat/completions', { sse: fixtureText('chat-stream-tool-call.sse') });
      const stream = client.messages.stream({
        model: 'gpt',
        max_tokens: 300,
        tools: [WEATHER],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      const types: string[] = [];
      stream.on('streamEvent', (e) => types.push(e.type));
      const final = await stream.finalMessage();
      assert.equal(types[0], 'message_start');
      assert.equal(types.at(-1), 'message_stop');
      assert.ok(types.includes('content_block_delta'));
      assert.equal(final.stop_reason, 'tool_use');
      const text = final.content.find((b) => b.type === 'text');
      assert.equal(text?.type === 'text' ? text.text : undefined, 'Checking the weather.');
      const tool = final.content.find((b) => b.type === 'tool_use');
      assert.deepEqual(tool?.type === 'tool_use' ? tool.input : undefined, { city: 'Paris' });
      assert.equal(final.usage.output_tokens, 21);
      assert.equal(sent('/v1/chat/completions')?.body.stream, true);
    });

    it('counts tokens locally, and answers a dated Claude id through an alias', async () => {
      const small = await client.messages.countTokens({
        model: 'gpt',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const big = await client.messages.countTokens({
        model: 'gpt',
        messages: [{ role: 'user', content: 'Hi '.repeat(500) }],
        tools: [WEATHER],
      });
      assert.ok(small.input_tokens > 0);
      assert.ok(big.input_tokens > small.input_tokens + 400);

      upstream.queue('/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
      const answer = await client.messages.create({
        model: 'claude-3-5-haiku-20241022',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      assert.equal(answer.model, 'claude-3-5-haiku-20241022');
    });

    it('answers 502 for an upstream whose JSON answer is not an object', async () => {
      upstream.queue('/v1/chat/completions', {
        headers: { 'content-type': 'application/json' },
        sse: 'null',
      });
      await assert.rejects(
        client.messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
        (err: InstanceType<typeof Anthropic.APIError>) =>
          err.status === 502 && (err.error as { error?: { type?: string } }).error?.type === 'api_error',
      );
    });

    it('gives errors in Anthropic shape with Anthropic status codes', async () => {
      upstream.queue('/v1/chat/completions', {
        status: 429,
        json: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      });
      await assert.rejects(
        client.messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
        (err: InstanceType<typeof Anthropic.APIError>) =>
          err instanceof Anthropic.RateLimitError &&
          (err.error as { type?: string; error?: { type?: string } }).type === 'error' &&
          (err.error as { error?: { type?: string } }).error?.type === 'rate_limit_error',
      );
      const res = await fetch(`${s.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, /max_tokens/);
      const unknown = await fetch(`${s.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }),
      });
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { error: { type: string } }).error.type, 'not_found_error');
    });

    it('traces both ways as Messages spans with tokens and the conversation', async () => {
      const native = await s.waitForHits(
        "SELECT * FROM \"default\" WHERE operation_name = 'Messages' AND llm_system = 'anthropic' AND input_value LIKE '%Be terse%'",
      );
      assert.equal(native[0]?.gen_ai_operation_name, 'chat');
      // Anthropic's input tokens plus its cache reads and writes: 21 + 1800 + 188.
      assert.equal(native[0]?.llm_token_count_prompt, '2009');
      assert.equal(native[0]?.llm_token_count_prompt_details_cache_read, '1800');
      assert.equal(native[0]?.llm_input_messages_0_message_content, 'Be terse.');
      const translated = await s.waitForHits(
        "SELECT * FROM \"default\" WHERE operation_name = 'Messages' AND llm_model_name = 'gpt-4.1-mini' AND gen_ai_request_stream = true",
      );
      const span = translated[0];
      assert.equal(span?.llm_token_count_prompt, '82');
      assert.equal(span?.llm_token_count_completion, '21');
      assert.equal(span?.llm_input_messages_0_message_content, 'Weather in Paris?');
      assert.equal(span?.llm_output_messages_0_message_tool_calls_0_tool_call_function_name, 'get_weather');
    });
  });
});

describe('/v1/messages with a master key', () => {
  let upstream: FixtureUpstream;
  let gateway: RunningGateway;
  before(async () => {
    upstream = await startFixtureUpstream();
    gateway = await startGateway(
      testConfig({
        masterKey: 'sk-test-master',
        deployments: [
          deployment({
            modelName: 'gpt',
            model: 'gpt-4.1-mini',
            apiBase: `${upstream.url}/v1`,
            apiKey: 'sk-test-oai',
          }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('takes the key as x-api-key or as a bearer token, and refuses others in Anthropic shape', async () => {
    const ask = (client: Anthropic) =>
      client.messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
    upstream.route('/v1/chat/completions', { json: fixtureJson('chat-tool-call.json') });
    assert.equal((await ask(gateway.anthropic('sk-test-master'))).type, 'message');
    const bearer = new Anthropic({
      authToken: 'sk-test-master',
      apiKey: null,
      baseURL: gateway.url,
      maxRetries: 0,
    });
    assert.equal((await ask(bearer)).type, 'message');
    await assert.rejects(
      ask(gateway.anthropic('sk-test-wrong')),
      (err: InstanceType<typeof Anthropic.APIError>) =>
        err instanceof Anthropic.AuthenticationError &&
        (err.error as { error?: { type?: string } }).error?.type === 'authentication_error',
    );
  });
});

function anthropicError(name: string) {
  const { status, body } = anthropicJson<{ status: number; body: unknown }>(name);
  return { status, json: body };
}
