/**
 * gemini/ deployments through the real server and the official openai SDK, against an upstream that
 * replays recorded Gemini answers: plain, tool-call, streamed and embedding answers in OpenAI's shape
 * with usage; parameters Gemini cannot take; a blocked prompt answered by a content-policy fallback;
 * Gemini's errors with OpenAI's codes; the key in x-goog-api-key only; the span says vertexai.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import type { Deployment } from '../src/config/types.ts';
import { fixtureJson, fixtureText } from './fixtures/gemini/fixtures.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const KEY = 'sk-test-gemini-key';
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
const EMBED = '/v1beta/models/gemini-embedding-001:batchEmbedContents';

/** A recorded OpenAI request, sent to the gateway's `gemini-flash` group. */
const request = (name: string) =>
  ({
    ...fixtureJson<Record<string, unknown>>(`${name}.openai.json`),
    model: 'gemini-flash',
  }) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

describe('gemini/ deployments', () => {
  let upstream: FixtureUpstream;
  let backup: MockUpstream;
  let s: StoreGateway;
  const client = () => s.gateway.client();

  before(async () => {
    upstream = await startFixtureUpstream();
    backup = await startMockUpstream();
    const gemini = (modelName: string, model: string, extra: Partial<Deployment> = {}) =>
      deployment({
        modelName,
        provider: 'gemini',
        model,
        litellmModel: `gemini/${model}`,
        apiBase: upstream.url,
        apiKey: KEY,
        ...extra,
      });
    s = await startStoreGateway(
      testConfig({
        deployments: [
          gemini('gemini-flash', 'gemini-2.5-flash'),
          gemini('gemini-flash-drop', 'gemini-2.5-flash', { dropParams: true }),
          // As some configs write it: with the API version already on the base.
          gemini('gemini-embed', 'gemini-embedding-001', { apiBase: `${upstream.url}/v1beta/` }),
          deployment({
            modelName: 'lenient',
            model: 'lenient-model',
            apiBase: backup.url,
            apiKey: 'sk-test-x',
          }),
        ],
        fallbacks: {
          general: {},
          contextWindow: {},
          contentPolicy: { 'gemini-flash': ['lenient'] },
          default: [],
        },
        // Errors are the point of some tests here; none of them should bench the deployment.
        cooldowns: { allowedFails: 3, cooldownMs: 5000, disabled: true },
      }),
    );
  });
  after(async () => {
    await s.close();
    await backup.close();
    await upstream.close();
  });

  it('answers in OpenAI shape with usage, sending the key only in x-goog-api-key, and traces it', async () => {
    upstream.route(GENERATE, { json: fixtureJson('text.response.json') });
    const answer = await client().chat.completions.create(request('text'));
    assert.equal(answer.choices[0]?.message.content, 'Titan.');
    assert.equal(answer.choices[0]?.finish_reason, 'stop');
    assert.equal(answer.model, 'gemini-2.5-flash');
    assert.equal(answer.usage?.prompt_tokens, 2113);
    assert.equal(answer.usage?.completion_tokens, 83);
    assert.equal(answer.usage?.total_tokens, 2196);
    assert.equal(answer.usage?.prompt_tokens_details?.cached_tokens, 2048);
    assert.equal(answer.usage?.completion_tokens_details?.reasoning_tokens, 80);

    const call = upstream.received.at(-1);
    assert.equal(call?.path, GENERATE);
    assert.deepEqual(call?.body, fixtureJson('text.request.json'));
    assert.equal(call?.headers['x-goog-api-key'], KEY);
    assert.equal(call?.headers.authorization, undefined);
    assert.ok(!call?.path.includes(KEY) && !call?.path.includes('key='), 'the key stays out of the URL');

    const [span] = await s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%largest moon%'`);
    assert.equal(span?.llm_system, 'vertexai');
    assert.equal(span?.llm_token_count_prompt, '2113');
    assert.equal(span?.llm_token_count_completion, '83');
    assert.equal(span?.llm_token_count_total, '2196');
  });

  it('round-trips tool calls: the calls reach the client, their results reach Gemini', async () => {
    upstream.route(GENERATE, { json: fixtureJson('tool-call.response.json') });
    const first = await client().chat.completions.create(request('tool-call'));
    const message = first.choices[0]?.message;
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    const calls = (message?.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((c) => JSON.parse(c.function.arguments)),
      [
        { city: 'Paris', unit: 'c' },
        { city: 'Lyon', unit: 'c' },
      ],
    );

    upstream.route(GENERATE, { json: fixtureJson('tool-result.response.json') });
    const results = calls.map((c, i) => ({
      role: 'tool' as const,
      tool_call_id: c.id,
      content: ['18 C', '21 C'][i] ?? '',
    }));
    const second = await client().chat.completions.create({
      ...request('tool-call'),
      messages: [...request('tool-call').messages, message as OpenAI.ChatCompletionMessageParam, ...results],
    });
    assert.match(second.choices[0]?.message.content ?? '', /Paris: 18 °C/);
    const contents = upstream.received.at(-1)?.body.contents as Array<{ role: string; parts: unknown[] }>;
    assert.deepEqual(contents.at(-1), {
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { content: '18 C' } } },
        { functionResponse: { name: 'get_weather', response: { content: '21 C' } } },
      ],
    });
  });

  it('streams text the SDK assembles, with a usage chunk when asked', async () => {
    upstream.route(STREAM, { sse: fixtureText('stream-text.sse') });
    const stream = await client().chat.completions.create({
      ...request('text'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, 'Titan is the largest moon of Saturn.');
    assert.equal(finish, 'stop');
    assert.equal(usage?.total_tokens, 38);
    assert.equal(upstream.received.at(-1)?.path, STREAM);
    assert.equal(upstream.received.at(-1)?.headers['x-goog-api-key'], KEY);
  });

  it('streams function calls the SDK assembles into tool_calls', async () => {
    upstream.route(STREAM, { sse: fixtureText('stream-tool-call.sse') });
    const stream = client().chat.completions.stream({ ...request('tool-call'), stream: true });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
    const calls = (final.choices[0]?.message.tool_calls ??
      []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((c) => [c.function.name, c.function.arguments]),
      [
        ['get_weather', '{"city":"Paris","unit":"c"}'],
        ['get_weather', '{"city":"Lyon","unit":"c"}'],
      ],
    );
  });

  it('embeds through batchEmbedContents, on an api_base that already ends in /v1beta', async () => {
    upstream.route(EMBED, { json: fixtureJson('embeddings.response.json') });
    const answer = await client().embeddings.create({
      model: 'gemini-embed',
      input: ['hello world', 'goodbye'],
      dimensions: 4,
    });
    assert.deepEqual(
      answer.data.map((d) => d.embedding),
      [
        [0.25, -0.5, 0.125, 0.75],
        [-0.0625, 0.5, 0.375, -0.25],
      ],
    );
    const call = upstream.received.at(-1);
    assert.equal(call?.path, EMBED);
    assert.deepEqual(call?.body, fixtureJson('embeddings.request.json'));
  });

  it('refuses a parameter Gemini cannot take, naming it; drop_params drops it', async () => {
    const before = upstream.received.length;
    await assert.rejects(
      client().chat.completions.create({ ...request('text'), logit_bias: { '50256': -100 } }),
      {
        status: 400,
        code: 'unsupported_params',
        param: 'logit_bias',
        message: /logit_bias/,
      },
    );
    assert.equal(upstream.received.length, before, 'Gemini was not called');

    upstream.route(GENERATE, { json: fixtureJson('text.response.json') });
    const answer = await client().chat.completions.create({
      ...request('text'),
      model: 'gemini-flash-drop',
      logit_bias: { '50256': -100 },
    });
    assert.equal(answer.choices[0]?.message.content, 'Titan.');
    assert.deepEqual(upstream.received.at(-1)?.body, fixtureJson('text.request.json'));
  });

  it('answers a prompt Gemini blocked from the content_policy fallback', async () => {
    upstream.route(GENERATE, { json: fixtureJson('blocked-safety.response.json') });
    const { data, response } = await client()
      .chat.completions.create({
        model: 'gemini-flash',
        messages: [{ role: 'user', content: 'something unsafe' }],
      })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /mock upstream/);
    assert.equal(response.headers.get('x-tollgate-attempted-fallbacks'), '1');
    assert.equal(backup.received.at(-1)?.body.model, 'lenient-model');
  });

  it("gives Gemini's errors OpenAI's codes: context length, and a retryable quota error", async () => {
    upstream.route(GENERATE, { status: 400, json: fixtureJson('error-400-token-limit.json') });
    await assert.rejects(client().chat.completions.create(request('text')), {
      status: 400,
      code: 'context_length_exceeded',
      message: /exceeds the maximum number of tokens/,
    });
    upstream.route(GENERATE, { status: 429, json: fixtureJson('error-429-resource-exhausted.json') });
    await assert.rejects(client().chat.completions.create(request('text')), {
      status: 429,
      code: 'resource_exhausted',
      message: /exceeded your current quota/,
    });
  });
});
