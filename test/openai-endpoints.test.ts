/**
 * OpenAI's other endpoints — moderations, image generations, speech — and Cohere-style rerank, through
 * the real server with the official openai SDK: passed through to OpenAI-compatible upstreams (answers
 * relayed byte for byte, speech as the upstream's audio bytes and content type), the deployment's model
 * and key upstream, the master key required, retries and fallbacks as for chat, clear 400s where a
 * provider has no such endpoint, and the spans in the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { IMAGES, MODERATION, MP3, PNG_B64, RERANK } from './fixtures/openai/endpoints.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type Hit, type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const MASTER = 'sk-test-master-endpoints';
const UPSTREAM_KEY = 'sk-test-openai-upstream';
const AUTH = { authorization: `Bearer ${MASTER}` };

describe("OpenAI's other endpoints", () => {
  let upstream: FixtureUpstream;
  let s: StoreGateway;
  let client: OpenAI;
  const last = (path: string) => upstream.received.filter((r) => r.path === path).at(-1);
  const span = async (where: string): Promise<Hit> =>
    (await s.waitForHits(`SELECT * FROM "default" WHERE ${where}`, 1, { headers: AUTH }))[0] ?? {};

  before(async () => {
    upstream = await startFixtureUpstream();
    const openai = (
      modelName: string,
      model: string,
      extra: Partial<Parameters<typeof deployment>[0]> = {},
    ) => deployment({ modelName, model, apiBase: `${upstream.url}/v1`, apiKey: UPSTREAM_KEY, ...extra });
    s = await startStoreGateway(
      testConfig({
        masterKey: MASTER,
        deployments: [
          openai('moderation', 'omni-moderation-latest', { maxRetries: 1 }),
          openai('image', 'gpt-image-1'),
          // A group whose only deployment's upstream fails, falling back to `tts`.
          deployment({
            modelName: 'tts-broken',
            model: 'gpt-4o-mini-tts',
            apiBase: `${upstream.url}/broken/v1`,
            apiKey: UPSTREAM_KEY,
          }),
          openai('tts', 'gpt-4o-mini-tts'),
          deployment({
            modelName: 'reranker',
            provider: 'hosted_vllm',
            model: 'BAAI/bge-reranker-v2-m3',
            litellmModel: 'hosted_vllm/BAAI/bge-reranker-v2-m3',
            apiBase: `${upstream.url}/v1`,
          }),
          openai('openai-reranker', 'gpt-4.1-mini'),
          deployment({
            modelName: 'claude',
            provider: 'anthropic',
            model: 'claude-sonnet-4-5-20250929',
            litellmModel: 'anthropic/claude-sonnet-4-5-20250929',
            apiBase: upstream.url,
            apiKey: 'sk-test-anthropic-key',
          }),
        ],
        fallbacks: { general: { 'tts-broken': ['tts'] }, contextWindow: {}, contentPolicy: {}, default: [] },
      }),
    );
    client = s.gateway.client(MASTER);
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  describe('moderations', () => {
    it('relays the result byte for byte, with the deployment model and key upstream', async () => {
      upstream.queue('/v1/moderations', { json: MODERATION });
      const res = await fetch(`${s.gateway.url}/v1/moderations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...AUTH },
        body: JSON.stringify({ model: 'moderation', input: 'I will hurt you' }),
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), JSON.stringify(MODERATION));
      const sent = last('/v1/moderations');
      assert.deepEqual(sent?.body, { model: 'omni-moderation-latest', input: 'I will hurt you' });
      assert.equal(sent?.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    });

    it('answers the SDK, and is traced as a moderation', async () => {
      upstream.queue('/v1/moderations', { json: MODERATION });
      const answer = await client.moderations.create({ model: 'moderation', input: ['traced moderation'] });
      assert.equal(answer.results[0]?.flagged, true);
      assert.equal(answer.results[0]?.category_scores.violence, 0.8711);
      const row = await span(
        `operation_name = 'ModerationCreateResponse' AND input_value LIKE '%traced moderation%'`,
      );
      assert.equal(row.gen_ai_operation_name, 'moderation');
      assert.equal(row.llm_model_name, 'omni-moderation-latest');
      assert.equal(row.gen_ai_request_model, 'moderation');
      assert.equal(row.gen_ai_response_model, MODERATION.model);
      assert.equal(row.http_response_status_code, '200');
      assert.equal(row.span_status, 'OK');
      assert.equal(row.output_value, JSON.stringify(MODERATION));
    });

    it('retries an upstream 500 (max_retries) and answers', async () => {
      upstream.queue(
        '/v1/moderations',
        {
          status: 500,
          json: { error: { message: 'overloaded', type: 'server_error' } },
          headers: { 'retry-after': '0' },
        },
        { json: MODERATION },
      );
      const before = upstream.received.length;
      const { data, response } = await client.moderations
        .create({ model: 'moderation', input: 'again' })
        .withResponse();
      assert.equal(data.id, MODERATION.id);
      assert.equal(response.headers.get('x-tollgate-attempted-retries'), '1');
      assert.equal(upstream.received.slice(before).filter((r) => r.path === '/v1/moderations').length, 2);
    });

    it('needs a model to route, and is a clear 400 for a provider without the endpoint', async () => {
      await assert.rejects(client.moderations.create({ input: 'no model' }), (err: APIError) => {
        assert.equal(err.status, 400);
        assert.match(err.message, /Missing required parameter: 'model'/);
        return true;
      });
      await assert.rejects(client.moderations.create({ model: 'claude', input: 'x' }), (err: APIError) => {
        assert.equal(err.status, 400);
        assert.match(err.message, /anthropic does not serve \/moderations/);
        return true;
      });
    });
  });

  describe('image generations', () => {
    it('relays the b64_json answer, and the trace holds no image', async () => {
      upstream.queue('/v1/images/generations', { json: IMAGES });
      const answer = await client.images.generate({
        model: 'image',
        prompt: 'a red square',
        size: '1024x1024',
        quality: 'low',
      });
      assert.deepEqual(answer, IMAGES);
      assert.equal(answer.data?.[0]?.b64_json, PNG_B64);
      assert.deepEqual(last('/v1/images/generations')?.body, {
        model: 'gpt-image-1',
        prompt: 'a red square',
        size: '1024x1024',
        quality: 'low',
      });
      const row = await span(`operation_name = 'ImagesResponse'`);
      assert.equal(row.gen_ai_operation_name, 'generate_content');
      assert.equal(row.llm_model_name, 'gpt-image-1');
      assert.equal(row.llm_token_count_prompt, '12');
      assert.equal(row.llm_token_count_completion, '272');
      assert.equal(row.llm_token_count_total, '284');
      const output = String(row.output_value);
      assert.ok(!output.includes(PNG_B64), 'no base64 image in the span');
      assert.match(output, new RegExp(`\\[${PNG_B64.length} base64 characters\\]`));
      assert.deepEqual(JSON.parse(String(row.llm_invocation_parameters)), {
        size: '1024x1024',
        quality: 'low',
      });
    });

    it('refuses a streamed generation with a clear 400', async () => {
      const res = await fetch(`${s.gateway.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...AUTH },
        body: JSON.stringify({ model: 'image', prompt: 'x', stream: true }),
      });
      assert.equal(res.status, 400);
      assert.match(
        ((await res.json()) as { error: { message: string } }).error.message,
        /streamed image generations are not supported/,
      );
    });
  });

  describe('speech', () => {
    it('relays the exact audio bytes with the upstream content type, none of them in the span', async () => {
      upstream.queue('/v1/audio/speech', { raw: { body: MP3, type: 'audio/mpeg' } });
      const response = await client.audio.speech.create({
        model: 'tts',
        voice: 'coral',
        input: 'Hello there',
        response_format: 'mp3',
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'audio/mpeg');
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), MP3);
      assert.deepEqual(last('/v1/audio/speech')?.body, {
        model: 'gpt-4o-mini-tts',
        voice: 'coral',
        input: 'Hello there',
        response_format: 'mp3',
      });
      const row = await span(`operation_name = 'Speech' AND input_value LIKE '%Hello there%'`);
      assert.equal(row.gen_ai_operation_name, 'generate_content');
      assert.equal(row.llm_model_name, 'gpt-4o-mini-tts');
      assert.equal(row.span_status, 'OK');
      assert.deepEqual(JSON.parse(String(row.output_value)), {
        content_type: 'audio/mpeg',
        bytes: MP3.length,
      });
      const binary = MP3.subarray(10).toString('latin1');
      for (const [column, value] of Object.entries(row))
        assert.ok(typeof value !== 'string' || !value.includes(binary), `no audio bytes in ${column}`);
    });

    it('falls back to another group when the first fails', async () => {
      upstream.queue('/broken/v1/audio/speech', { status: 503, json: { error: { message: 'down' } } });
      upstream.queue('/v1/audio/speech', { raw: { body: MP3, type: 'audio/mpeg' } });
      const { data, response } = await client.audio.speech
        .create({ model: 'tts-broken', voice: 'alloy', input: 'fallback' })
        .withResponse();
      assert.deepEqual(Buffer.from(await data.arrayBuffer()), MP3);
      assert.equal(response.headers.get('x-tollgate-attempted-fallbacks'), '1');
      assert.equal(response.headers.get('x-tollgate-model-group'), 'tts-broken');
    });

    it("refuses stream_format 'sse' with a clear 400", async () => {
      await assert.rejects(
        client.audio.speech.create({ model: 'tts', voice: 'alloy', input: 'x', stream_format: 'sse' }),
        (err: APIError) => {
          assert.equal(err.status, 400);
          assert.match(err.message, /'sse' is not supported/);
          return true;
        },
      );
    });
  });

  describe('rerank', () => {
    const body = {
      model: 'reranker',
      query: 'capital of France',
      documents: ['Berlin has many museums.', 'Paris is the capital of France.'],
      top_n: 2,
      return_documents: true,
    };

    it('passes a Cohere-style rerank through to {api_base}/rerank, on each of its paths', async () => {
      for (const path of ['/v1/rerank', '/v2/rerank', '/rerank']) {
        upstream.queue('/v1/rerank', { json: RERANK });
        const res = await fetch(`${s.gateway.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...AUTH },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 200, path);
        assert.equal(await res.text(), JSON.stringify(RERANK), path);
        assert.deepEqual(last('/v1/rerank')?.body, { ...body, model: 'BAAI/bge-reranker-v2-m3' }, path);
        // A vLLM server without a key gets none.
        assert.equal(last('/v1/rerank')?.headers.authorization, undefined);
      }
    });

    it('answers the SDK through client.post, and is traced as a reranker', async () => {
      upstream.queue('/v1/rerank', { json: RERANK });
      const answer = await client.post<typeof RERANK>('/rerank', {
        body: { ...body, query: 'traced rerank' },
      });
      assert.deepEqual(answer, RERANK);
      const row = await span(`operation_name = 'Rerank' AND reranker_query = 'traced rerank'`);
      assert.equal(row.gen_ai_operation_name, 'rerank');
      assert.equal(row.openinference_span_kind, 'RERANKER');
      assert.equal(row.reranker_model_name, 'BAAI/bge-reranker-v2-m3');
      assert.equal(row.reranker_top_k, '2');
      assert.equal(row.llm_token_count_prompt, '41');
    });

    it('is a 400 naming the provider for one without rerank (OpenAI), and calls no upstream', async () => {
      const before = upstream.received.length;
      await assert.rejects(
        client.post('/rerank', { body: { ...body, model: 'openai-reranker' } }),
        (err: APIError) => {
          assert.equal(err.status, 400);
          assert.match(err.message, /openai has no rerank endpoint/);
          return true;
        },
      );
      assert.equal(upstream.received.length, before);
    });
  });

  it('requires the master key on every new endpoint', async () => {
    const anonymous = s.gateway.client('sk-test-wrong');
    for (const path of [
      '/v1/moderations',
      '/moderations',
      '/v1/images/generations',
      '/images/generations',
      '/v1/audio/speech',
      '/audio/speech',
      '/v1/audio/transcriptions',
      '/audio/transcriptions',
      '/v1/rerank',
      '/v2/rerank',
      '/rerank',
    ]) {
      const res = await fetch(`${s.gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'moderation', input: 'x' }),
      });
      assert.equal(res.status, 401, path);
    }
    await assert.rejects(anonymous.moderations.create({ model: 'moderation', input: 'x' }), { status: 401 });
  });
});
