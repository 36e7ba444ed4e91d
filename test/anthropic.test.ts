/**
 * Anthropic through the real server and the official openai SDK, against an upstream that replays
 * recorded Messages API answers: what the client gets back (text, tool calls, streams, usage with cache
 * counters, errors), what reaches Anthropic (the Messages body, x-api-key and anthropic-version, never
 * Authorization), parameters Anthropic cannot take, context-window fallbacks, and the stored span.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { buildDeployment } from '../src/config/deployment.ts';
import { modelEntrySchema } from '../src/config/schema.ts';
import type { Deployment } from '../src/config/types.ts';
import { fixtureJson, fixtureText } from './fixtures/anthropic/fixtures.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const MESSAGES = '/v1/messages';
const KEY = 'sk-test-anthropic-key';
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-3-5-haiku-20241022';
const json = (name: string) => ({ json: fixtureJson(name) });
const sse = (name: string) => ({ sse: fixtureText(name) });
const error = (name: string) => {
  const { status, body } = fixtureJson<{ status: number; body: unknown }>(name);
  return { status, json: body };
};

describe('anthropic/ deployments', () => {
  let upstream: FixtureUpstream;
  let s: StoreGateway;
  let client: OpenAI;
  const lastSent = () => upstream.received.at(-1);

  before(async () => {
    upstream = await startFixtureUpstream();
    const claude = (modelName: string, model: string, extra: Partial<Deployment> = {}) =>
      deployment({
        modelName,
        provider: 'anthropic',
        model,
        litellmModel: `anthropic/${model}`,
        apiBase: upstream.url,
        apiKey: KEY,
        ...extra,
      });
    s = await startStoreGateway(
      testConfig({
        deployments: [
          claude('claude', SONNET),
          // As some configs write it: the base with /v1 already on it.
          claude('claude-lenient', SONNET, { dropParams: true, apiBase: `${upstream.url}/v1` }),
          claude('claude-small', HAIKU),
          claude('claude-big', SONNET),
          claude('claude-busy', SONNET),
        ],
        fallbacks: {
          general: {},
          contextWindow: { 'claude-small': ['claude-big'] },
          contentPolicy: {},
          default: [],
        },
      }),
    );
    client = s.gateway.client();
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  it('answers in OpenAI shape with cache usage, calling /v1/messages with Anthropic headers', async () => {
    upstream.queue(MESSAGES, json('text-cache.anthropic-response.json'));
    const answer = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'anthropic-plain: what does Tollgate record?' },
      ],
      max_tokens: 256,
    });
    assert.equal(
      answer.choices[0]?.message.content,
      'Tollgate records the model, tokens, cost, latency, retries and errors of every request as a trace.',
    );
    assert.equal(answer.choices[0]?.finish_reason, 'stop');
    assert.equal(answer.model, SONNET);
    assert.equal(answer.usage?.prompt_tokens, 2009);
    assert.equal(answer.usage?.completion_tokens, 24);
    assert.equal(answer.usage?.prompt_tokens_details?.cached_tokens, 1800);

    const sent = lastSent();
    assert.equal(sent?.path, MESSAGES);
    assert.equal(sent?.headers['x-api-key'], KEY);
    assert.equal(sent?.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent?.headers.authorization, undefined);
    assert.deepEqual(sent?.body, {
      model: SONNET,
      max_tokens: 256,
      system: 'Be terse.',
      messages: [{ role: 'user', content: 'anthropic-plain: what does Tollgate record?' }],
    });

    const [span] = await s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%anthropic-plain%'`,
    );
    assert.equal(span?.llm_system, 'anthropic');
    assert.equal(span?.llm_token_count_prompt, '2009');
    assert.equal(span?.llm_token_count_prompt_details_cache_read, '1800');
    assert.equal(span?.llm_token_count_prompt_details_cache_write, '188');
  });

  it('round-trips tools: the recorded Messages body goes up, the SDK gets parsed tool_calls', async () => {
    upstream.queue(MESSAGES, json('tool-use.anthropic-response.json'));
    const request = fixtureJson<OpenAI.ChatCompletionCreateParamsNonStreaming>(
      'tool-use.openai-request.json',
    );
    const answer = await client.chat.completions.create({ ...request, model: 'claude' });
    const call = answer.choices[0]?.message.tool_calls?.[0];
    assert.equal(answer.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(call?.type, 'function');
    assert.equal(call?.type === 'function' && call.function.name, 'get_weather');
    assert.deepEqual(call?.type === 'function' && JSON.parse(call.function.arguments), { city: 'Rome' });
    assert.deepEqual(lastSent()?.body, fixtureJson('tool-use.anthropic-request.json'));
  });

  it('streams text that the SDK assembles, ending with a usage chunk when asked', async () => {
    upstream.queue(MESSAGES, sse('stream-text.sse'));
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, 'Hello from Claude.');
    assert.equal(usage?.total_tokens, 1047);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, 1024);
    assert.equal(lastSent()?.body.stream, true);
  });

  it('sends no usage chunk when the client did not ask, yet traces the real usage', async () => {
    upstream.queue(MESSAGES, sse('stream-text.sse'));
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'anthropic-stream-no-usage' }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(
      chunks.some((c) => c.usage),
      false,
    );
    const [span] = await s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%anthropic-stream-no-usage%'`,
    );
    assert.equal(span?.llm_token_count_total, '1047');
    assert.equal(span?.llm_token_count_prompt_details_cache_read, '1024');
  });

  it('streams tool calls that the SDK assembles', async () => {
    upstream.queue(MESSAGES, sse('stream-tool-use.sse'));
    const stream = client.chat.completions.stream({
      model: 'claude',
      messages: [{ role: 'user', content: 'weather and time in Paris?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
      ],
    });
    const final = await stream.finalChatCompletion();
    const message = final.choices[0]?.message;
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(message?.content, 'Checking the weather.');
    const calls = (message?.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [c] : []));
    assert.deepEqual(
      calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
      [
        ['toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'get_weather', { city: 'Paris' }],
        ['toolu_01U2y2gK45rBnl3uOUsO8Vq7', 'get_time', { zone: 'Europe/Paris' }],
      ],
    );
  });

  it('ends a stream that fails mid-way with an error the SDK raises, after the text so far', async () => {
    upstream.queue(MESSAGES, sse('stream-error.sse'));
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'tell me a story' }],
      stream: true,
    });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      /Overloaded/,
    );
    assert.equal(text, 'Once upon');
  });

  it('refuses a parameter Anthropic cannot take, naming it, without calling upstream', async () => {
    const before = upstream.received.length;
    await assert.rejects(
      client.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: 'hi' }],
        logit_bias: { '50256': -100 },
      }),
      (err: { status?: number; message?: string }) =>
        err.status === 400 && /logit_bias/.test(err.message ?? ''),
    );
    assert.equal(upstream.received.length, before);
  });

  it('drops it under drop_params: the call succeeds and Anthropic never sees it', async () => {
    upstream.queue(MESSAGES, json('text-cache.anthropic-response.json'));
    const answer = await client.chat.completions.create({
      model: 'claude-lenient',
      messages: [{ role: 'user', content: 'dropped-logit-bias' }],
      logit_bias: { '50256': -100 },
    });
    assert.ok(answer.choices[0]?.message.content);
    assert.equal(lastSent()?.path, MESSAGES);
    assert.equal('logit_bias' in (lastSent()?.body ?? {}), false);
    // The drop is recorded on the attempt span, never silent.
    const [request] = await s.waitForHits(
      `SELECT trace_id FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%dropped-logit-bias%'`,
    );
    const [attempt] = await s.waitForHits(
      `SELECT events FROM "default" WHERE trace_id = '${request?.trace_id}' AND operation_name = 'upstream anthropic'`,
    );
    const events = JSON.parse(String(attempt?.events)) as Array<{ name: string; param?: string }>;
    assert.deepEqual(
      events.filter((e) => e.name === 'param_dropped').map((e) => e.param),
      ['logit_bias'],
    );
  });

  it('answers from the context_window fallback when the prompt is too long for the model', async () => {
    upstream.queue(MESSAGES, error('error-prompt-too-long.json'), json('text-cache.anthropic-response.json'));
    const { data, response } = await client.chat.completions
      .create({ model: 'claude-small', messages: [{ role: 'user', content: 'a very long prompt' }] })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /^Tollgate records/);
    assert.equal(response.headers.get('x-tollgate-attempted-fallbacks'), '1');
    const [first, second] = upstream.received.slice(-2);
    assert.equal(first?.body.model, HAIKU);
    assert.equal(second?.body.model, SONNET);
  });

  it('passes 529 overloaded on with its message', async () => {
    upstream.queue(MESSAGES, error('error-overloaded.json'));
    await assert.rejects(
      client.chat.completions.create({ model: 'claude-busy', messages: [{ role: 'user', content: 'hi' }] }),
      (err: { status?: number; message?: string }) =>
        err.status === 529 && /Overloaded/.test(err.message ?? ''),
    );
  });

  it('serves only chat: /completions is a clear 400', async () => {
    await assert.rejects(
      client.completions.create({ model: 'claude', prompt: 'hi' }),
      (err: { status?: number; message?: string }) =>
        err.status === 400 && /does not serve \/completions/.test(err.message ?? ''),
    );
  });
});

describe('anthropic/ in config', () => {
  const build = (env: NodeJS.ProcessEnv) => {
    const entry = modelEntrySchema.parse({
      model_name: 'c',
      litellm_params: { model: `anthropic/${HAIKU}` },
    });
    const warnings: string[] = [];
    return { deployment: buildDeployment(entry, 'config.yaml', env, warnings), warnings };
  };

  it('takes the key from ANTHROPIC_API_KEY and the base from ANTHROPIC_API_BASE, then ANTHROPIC_BASE_URL', () => {
    const { deployment: d } = build({
      ANTHROPIC_API_KEY: 'sk-test-env',
      ANTHROPIC_API_BASE: 'http://first',
      ANTHROPIC_BASE_URL: 'http://second',
    });
    assert.equal(d.provider, 'anthropic');
    assert.equal(d.model, HAIKU);
    assert.equal(d.apiKey, 'sk-test-env');
    assert.equal(d.apiBase, 'http://first');
    assert.equal(build({ ANTHROPIC_BASE_URL: 'http://second' }).deployment.apiBase, 'http://second');
  });

  it('warns when there is no key', () => {
    assert.match(build({}).warnings.join('\n'), /ANTHROPIC_API_KEY is not set/);
  });
});
