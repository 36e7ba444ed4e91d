/**
 * `POST /v1/audio/transcriptions` through the real server with the official openai SDK: a multipart
 * form in, routed by its `model` field, the same form upstream (the file's bytes and name, the other
 * fields, `model` replaced by the deployment's), JSON or text out; retries re-send the file; the route's
 * own 25 MiB body limit; the web guard's rules for forms without a master key; and the span, which
 * shows the file's name, type and size but never its bytes.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { type APIError, toFile } from 'openai';
import { TRANSCRIPTION } from './fixtures/openai/endpoints.ts';
import {
  type FixtureRequest,
  type FixtureUpstream,
  startFixtureUpstream,
} from './helpers/fixture-upstream.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const MASTER = 'sk-test-master-transcribe';
const UPSTREAM_KEY = 'sk-test-openai-upstream';
const AUTH = { authorization: `Bearer ${MASTER}` };
const MARKER = 'AUDIO-BYTES-NEVER-IN-A-SPAN';
/** A short "WAV": a RIFF header, a marker no trace may show, and bytes that are not UTF-8. */
const WAV = Buffer.concat([
  Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
  Buffer.from(MARKER),
  Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x81, 0x7f]),
]);
const PATH = '/v1/audio/transcriptions';

/** The form the upstream received. */
async function formOf(request: FixtureRequest | undefined): Promise<FormData> {
  assert.ok(request, 'the upstream was called');
  const type = String(request.headers['content-type']);
  assert.match(type, /^multipart\/form-data; boundary=/);
  return new Request('http://upstream.test/', {
    method: 'POST',
    headers: { 'content-type': type },
    body: request.raw,
  }).formData();
}

describe('/v1/audio/transcriptions', () => {
  let upstream: FixtureUpstream;
  let s: StoreGateway;
  let client: OpenAI;
  const last = () => upstream.received.filter((r) => r.path === PATH).at(-1);

  before(async () => {
    upstream = await startFixtureUpstream();
    s = await startStoreGateway(
      testConfig({
        masterKey: MASTER,
        deployments: [
          deployment({
            modelName: 'stt',
            model: 'gpt-4o-transcribe',
            apiBase: `${upstream.url}/v1`,
            apiKey: UPSTREAM_KEY,
            maxRetries: 1,
            // A deployment parameter reaches the form as a field of its own.
            params: { language: 'en' },
          }),
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
    client = s.gateway.client(MASTER);
  });
  after(async () => {
    await s.close();
    await upstream.close();
  });

  it('sends the upstream the same form with the deployment model, and relays the JSON answer', async () => {
    upstream.queue(PATH, { json: TRANSCRIPTION });
    const answer = await client.audio.transcriptions.create({
      file: await toFile(WAV, 'a.wav', { type: 'audio/wav' }),
      model: 'stt',
      prompt: 'A pangram.',
      temperature: 0.2,
      include: ['logprobs'],
      chunking_strategy: { type: 'server_vad', silence_duration_ms: 300 },
    });
    assert.deepEqual(answer, TRANSCRIPTION);
    const sent = last();
    assert.equal(sent?.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    const form = await formOf(sent);
    assert.equal(form.get('model'), 'gpt-4o-transcribe');
    assert.equal(form.get('prompt'), 'A pangram.');
    assert.equal(form.get('temperature'), '0.2');
    assert.equal(form.get('language'), 'en');
    assert.deepEqual(form.getAll('include[]'), ['logprobs']);
    assert.equal(form.get('chunking_strategy[type]'), 'server_vad');
    assert.equal(form.get('chunking_strategy[silence_duration_ms]'), '300');
    const file = form.get('file');
    assert.ok(file instanceof File);
    assert.equal(file.name, 'a.wav');
    assert.equal(file.type, 'audio/wav');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), WAV);
    assert.deepEqual([...form.keys()].sort(), [
      'chunking_strategy[silence_duration_ms]',
      'chunking_strategy[type]',
      'file',
      'include[]',
      'language',
      'model',
      'prompt',
      'temperature',
    ]);
  });

  it("gives text for response_format 'text', as text/plain", async () => {
    const text = 'The quick brown fox jumps over the lazy dog.\n';
    upstream.queue(PATH, { raw: { body: text, type: 'text/plain; charset=utf-8' } });
    const { data, response } = await client.audio.transcriptions
      .create({ file: await toFile(WAV, 'b.wav'), model: 'stt', response_format: 'text' })
      .withResponse();
    assert.equal(data, text);
    assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal((await formOf(last())).get('response_format'), 'text');
  });

  it('traces the fields and the file as name, type and size, never its bytes', async () => {
    upstream.queue(PATH, { json: TRANSCRIPTION });
    await client.audio.transcriptions.create({
      file: await toFile(WAV, 'traced.wav', { type: 'audio/wav' }),
      model: 'stt',
    });
    const [row] = await s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'Transcription' AND input_value LIKE '%traced.wav%'`,
      1,
      { headers: AUTH },
    );
    assert.ok(row);
    assert.equal(row.gen_ai_operation_name, 'transcription');
    assert.equal(row.llm_model_name, 'gpt-4o-transcribe');
    assert.equal(row.gen_ai_request_model, 'stt');
    assert.equal(row.http_response_status_code, '200');
    assert.equal(row.span_status, 'OK');
    assert.equal(row.llm_token_count_prompt, '28');
    assert.equal(row.llm_token_count_completion, '11');
    assert.equal(row.output_value, JSON.stringify(TRANSCRIPTION));
    assert.deepEqual(JSON.parse(String(row.input_value)), {
      model: 'stt',
      file: { filename: 'traced.wav', content_type: 'audio/wav', bytes: WAV.length },
    });
    for (const [column, value] of Object.entries(row))
      assert.ok(typeof value !== 'string' || !value.includes(MARKER), `no audio bytes in ${column}`);
  });

  it('re-sends the whole file when it retries an upstream 500', async () => {
    upstream.queue(
      PATH,
      { status: 500, json: { error: { message: 'overloaded' } }, headers: { 'retry-after': '0' } },
      { json: TRANSCRIPTION },
    );
    const before = upstream.received.length;
    const { data, response } = await client.audio.transcriptions
      .create({ file: await toFile(WAV, 'retry.wav'), model: 'stt' })
      .withResponse();
    assert.equal(data.text, TRANSCRIPTION.text);
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '1');
    const calls = upstream.received.slice(before).filter((r) => r.path === PATH);
    assert.equal(calls.length, 2);
    for (const call of calls) {
      const file = (await formOf(call)).get('file');
      assert.ok(file instanceof File);
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), WAV);
    }
  });

  it('refuses a 30 MB file with 413 (the route allows 25 MiB), and calls no upstream', async () => {
    const before = upstream.received.length;
    const form = new FormData();
    form.append('model', 'stt');
    form.append('file', new Blob([Buffer.alloc(30 * 1000 * 1000)], { type: 'audio/wav' }), 'big.wav');
    const res = await fetch(`${s.gateway.url}${PATH}`, { method: 'POST', headers: AUTH, body: form });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /limit of 25 MiB/);
    assert.equal(upstream.received.length, before);
  });

  it('takes a file above the global body limit (1 MiB here) but under its own', async () => {
    upstream.queue(PATH, { json: TRANSCRIPTION });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const answer = await client.audio.transcriptions.create({
      file: await toFile(big, 'long.wav'),
      model: 'stt',
    });
    assert.equal(answer.text, TRANSCRIPTION.text);
    const file = (await formOf(last())).get('file');
    assert.ok(file instanceof File);
    assert.equal(file.size, big.length);
  });

  it('gives clear 400s: no file, a stream, a provider without transcriptions', async () => {
    const form = new FormData();
    form.append('model', 'stt');
    const res = await fetch(`${s.gateway.url}${PATH}`, { method: 'POST', headers: AUTH, body: form });
    assert.equal(res.status, 400);
    assert.match(
      ((await res.json()) as { error: { message: string } }).error.message,
      /Missing required parameter: 'file'/,
    );
    await assert.rejects(
      client.audio.transcriptions.create({ file: await toFile(WAV, 'a.wav'), model: 'stt', stream: true }),
      (err: APIError) => err.status === 400 && /streamed transcriptions are not supported/.test(err.message),
    );
    await assert.rejects(
      client.audio.transcriptions.create({ file: await toFile(WAV, 'a.wav'), model: 'claude' }),
      (err: APIError) =>
        err.status === 400 && /anthropic does not serve \/audio\/transcriptions/.test(err.message),
    );
  });

  it('requires the master key', async () => {
    await assert.rejects(
      s.gateway
        .client('sk-test-wrong')
        .audio.transcriptions.create({ file: await toFile(WAV, 'a.wav'), model: 'stt' }),
      { status: 401 },
    );
  });
});

describe('/v1/audio/transcriptions without a master key', () => {
  let upstream: FixtureUpstream;
  let gateway: RunningGateway;

  before(async () => {
    upstream = await startFixtureUpstream();
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'stt',
            model: 'whisper-1',
            apiBase: `${upstream.url}/v1`,
            apiKey: UPSTREAM_KEY,
          }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  /** A multipart body as a browser's form would post it, with exactly these headers. */
  async function post(path: string, headers: Record<string, string>): Promise<number> {
    const form = new FormData();
    form.append('model', 'stt');
    form.append('file', new Blob([WAV], { type: 'audio/wav' }), 'a.wav');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const { hostname, port } = new URL(gateway.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: hostname,
          port,
          method: 'POST',
          path,
          headers: {
            'content-type': encoded.headers.get('content-type') ?? '',
            'content-length': body.length,
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('takes a form from the SDK (no Origin)', async () => {
    upstream.queue(PATH, { json: TRANSCRIPTION });
    const answer = await gateway
      .client()
      .audio.transcriptions.create({ file: await toFile(WAV, 'a.wav'), model: 'stt' });
    assert.equal(answer.text, TRANSCRIPTION.text);
    assert.equal((await formOf(upstream.received.at(-1))).get('model'), 'whisper-1');
  });

  it('refuses a form a page of another site posts (403), and forms on other routes (415)', async () => {
    const before = upstream.received.length;
    assert.equal(await post(PATH, { origin: 'https://evil.example' }), 403);
    assert.equal(await post('/v1/chat/completions', {}), 415);
    assert.equal(await post('/v1/audio/speech', {}), 415);
    assert.equal(upstream.received.length, before);
  });
});
