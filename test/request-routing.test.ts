/**
 * LiteLLM's per-request routing controls, end to end through the official openai SDK: `num_retries`,
 * `timeout` (and the `x-litellm-timeout` header), client-side `fallbacks` (with per-fallback
 * parameters), `disable_fallbacks`, and the testing switches `mock_testing_fallbacks`,
 * `mock_testing_rate_limit_error` and `mock_timeout`. None of them may reach the upstream; each shows
 * in the headers (and the record) as the real retries, fallbacks and timeouts do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

/** A chat request with LiteLLM's extra body fields, which the SDK sends as given. */
type Params = ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

const CONTROLS = [
  'num_retries',
  'timeout',
  'fallbacks',
  'disable_fallbacks',
  'mock_testing_fallbacks',
  'mock_testing_rate_limit_error',
  'mock_timeout',
];

describe('per-request routing controls', () => {
  let primary: MockUpstream;
  let backup: MockUpstream;
  let g: RunningGateway;

  before(async () => {
    primary = await startMockUpstream();
    backup = await startMockUpstream();
    const on = (modelName: string, upstream: MockUpstream, extra: object = {}) =>
      deployment({ modelName, model: `${modelName}-model`, apiBase: upstream.url, apiKey: 'sk-x', ...extra });
    g = await startGateway(
      testConfig({
        numRetries: 1,
        fallbacks: {
          general: { primary: ['configured'] },
          contextWindow: {},
          contentPolicy: {},
          default: [],
        },
        deployments: [
          on('primary', primary),
          on('configured', backup),
          on('backup', backup),
          on('fifty', primary, { maxRetries: 50 }),
          on('one-second', primary, { timeoutMs: 1000 }),
        ],
      }),
    );
  });
  after(async () => {
    await g.close();
    await primary.close();
    await backup.close();
  });

  const ask = (params: Record<string, unknown>, headers?: Record<string, string>) =>
    g
      .client()
      .chat.completions.create(
        { messages: [{ role: 'user', content: 'hi' }], ...params } as Params,
        headers ? { headers } : undefined,
      )
      .withResponse();

  /** The error the SDK throws, with the answer's headers. */
  async function refused(params: Record<string, unknown>, headers?: Record<string, string>) {
    const err = await ask(params, headers).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.APIError, String(err));
    return err;
  }

  function assertNoControls(upstream: MockUpstream): void {
    for (const r of upstream.received)
      for (const key of CONTROLS) assert.equal(r.body[key], undefined, `${key} reached the upstream`);
  }

  it('mock_testing_fallbacks fails the requested group without a call, and the client fallbacks answer', async () => {
    const [p, b] = [primary.received.length, backup.received.length];
    const { data, response } = await ask({
      model: 'primary',
      mock_testing_fallbacks: true,
      fallbacks: ['backup'],
    });
    assert.ok(data.choices[0]?.message.content);
    assert.equal(primary.received.length, p, 'the requested group is never called');
    assert.equal(backup.received.length, b + 1);
    assert.equal(
      backup.received.at(-1)?.body.model,
      'backup-model',
      'the client list replaced the configured one',
    );
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '0');
    assertNoControls(backup);
  });

  it('a fallback given as {model, …parameters} is called with those parameters', async () => {
    const messages = [{ role: 'assistant', content: 'This is a custom message' }];
    await ask({
      model: 'primary',
      mock_testing_fallbacks: 'true',
      fallbacks: [{ model: 'backup', messages }],
    });
    assert.deepEqual(backup.received.at(-1)?.body.messages, messages);
    assertNoControls(backup);
  });

  it('without fallbacks, mock_testing_fallbacks is the 500 the client sees', async () => {
    const err = await refused({ model: 'backup', mock_testing_fallbacks: true });
    assert.equal(err.status, 500);
    assert.match(err.message, /mock exception for model=backup/);
    assert.equal(err.headers?.get('x-litellm-attempted-fallbacks'), '0');
  });

  it('disable_fallbacks keeps the configured fallbacks from running', async () => {
    primary.queue({ status: 503, body: { error: { message: 'down', type: 'server_error' } } });
    const err = await refused({ model: 'primary', num_retries: 0, disable_fallbacks: true });
    assert.equal(err.status, 503);
    assert.equal(err.headers?.get('x-litellm-attempted-fallbacks'), '0');
  });

  it("mock_testing_rate_limit_error: a 429 first, one retry, the deployment's retry budget in the headers", async () => {
    const p = primary.received.length;
    const { response } = await ask({ model: 'fifty', mock_testing_rate_limit_error: true });
    assert.equal(primary.received.length, p + 1, 'only the retry reached the upstream');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(response.headers.get('x-litellm-max-retries'), '50');
    assertNoControls(primary);
  });

  it('num_retries applies per request where the deployment sets none', async () => {
    const failure = { status: 503, body: { error: { message: 'down', type: 'server_error' } } };
    primary.queue(failure, failure);
    const { response } = await ask({ model: 'primary', num_retries: 2 });
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '2');
    assert.equal(response.headers.get('x-litellm-max-retries'), '2');
    assertNoControls(primary);
  });

  it("mock_timeout waits the deployment's timeout, then fails as a timeout: x-litellm-timeout 1.0", async () => {
    const p = primary.received.length;
    const started = performance.now();
    const err = await refused({ model: 'one-second', num_retries: 0, mock_timeout: true });
    assert.ok(performance.now() - started >= 950, 'it waited the timeout');
    assert.equal(err.status, 504);
    assert.equal(err.headers?.get('x-litellm-timeout'), '1.0');
    assert.equal(err.headers?.get('x-litellm-max-retries'), '0');
    assert.equal(primary.received.length, p, 'no call was made');
  });

  it('the x-litellm-timeout request header sets the timeout: 0.001', async () => {
    const err = await refused(
      { model: 'one-second', num_retries: 0, mock_timeout: true },
      { 'x-litellm-timeout': '0.001' },
    );
    assert.equal(err.status, 504);
    assert.equal(err.headers?.get('x-litellm-timeout'), '0.001');
  });

  it("the body's timeout limits a real call and is not sent upstream", async () => {
    primary.queue({ hang: true });
    const started = performance.now();
    const err = await refused({ model: 'primary', num_retries: 0, timeout: 0.3, disable_fallbacks: true });
    assert.equal(err.status, 504);
    assert.ok(performance.now() - started < 5000);
    assert.equal(err.headers?.get('x-litellm-timeout'), '0.3');
    assertNoControls(primary);
  });

  it('refuses a malformed control with a 400 naming it', async () => {
    const err = await refused({ model: 'primary', num_retries: -1 });
    assert.equal(err.status, 400);
    assert.match(err.message, /num_retries/);
    const bad = await refused({ model: 'primary', fallbacks: 'backup' });
    assert.equal(bad.status, 400);
  });
});
