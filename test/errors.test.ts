import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

describe("errors in OpenAI's shape", () => {
  const h = gatewayWithUpstream((url) => ({
    bodyLimitBytes: 64 * 1024,
    deployments: [
      deployment({ modelName: 'gpt-test', model: 'm', apiBase: url, apiKey: 'sk-test-1' }),
      deployment({ modelName: 'slow', model: 'm', apiBase: url, timeoutMs: 300 }),
      deployment({ modelName: 'unreachable', model: 'm', apiBase: 'http://127.0.0.1:9/v1' }),
    ],
  }));

  async function post(body: string, path = '/v1/chat/completions') {
    const res = await fetch(`${h.gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const json = (await res.json()) as ErrorBody;
    assert.equal(typeof json.error.message, 'string');
    assert.ok('type' in json.error && 'param' in json.error && 'code' in json.error, 'all four error fields');
    assert.doesNotMatch(json.error.message, /\n\s+at /, 'no stack trace');
    return { status: res.status, error: json.error };
  }

  it('answers invalid JSON with 400', async () => {
    const { status, error } = await post('{"model": "gpt-test", ');
    assert.equal(status, 400);
    assert.match(error.message, /could not parse the JSON body/);
  });

  it('answers an empty body and a non-object body with 400', async () => {
    assert.equal((await post('')).status, 400);
    const { status, error } = await post('[1,2]');
    assert.equal(status, 400);
    assert.match(error.message, /must be a JSON object/);
  });

  it('names a missing field', async () => {
    const { status, error } = await post(JSON.stringify({ model: 'gpt-test' }));
    assert.equal(status, 400);
    assert.equal(error.param, 'messages');
    assert.equal(error.message, "Missing required parameter: 'messages'.");
  });

  it('names a mistyped field, nested ones too', async () => {
    const typed = await post(JSON.stringify({ model: 'gpt-test', messages: 'hi' }));
    assert.equal(typed.status, 400);
    assert.equal(typed.error.message, "Invalid type for 'messages': expected an array, got a string.");
    const nested = await post(JSON.stringify({ model: 'gpt-test', messages: [{ content: 'x' }] }));
    assert.equal(nested.error.param, 'messages[0].role');
    const range = await post(
      JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], temperature: 7 }),
    );
    assert.equal(range.status, 400);
    assert.equal(range.error.param, 'temperature');
    const model = await post(JSON.stringify({ model: 42, messages: [] }));
    assert.equal(model.error.param, 'model');
    const embed = await post(JSON.stringify({ model: 'gpt-test' }), '/v1/embeddings');
    assert.equal(embed.error.param, 'input');
  });

  it('answers an unknown model with 404 listing the available ones', async () => {
    const { status, error } = await post(
      JSON.stringify({ model: 'gpt-99', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(status, 404);
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /gpt-99/);
    assert.match(error.message, /gpt-test, slow, unreachable/);
  });

  it('answers a body over the size limit with 413', async () => {
    const big = JSON.stringify({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'x'.repeat(100_000) }],
    });
    const { status, error } = await post(big);
    assert.equal(status, 413);
    assert.match(error.message, /larger than the limit/);
  });

  it('answers an unknown path with 404', async () => {
    const res = await fetch(`${h.gateway.url}/v1/nothing-here`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as ErrorBody).error.message, /Unknown request URL/);
  });

  it('passes upstream 4xx, 429 and 5xx through with the upstream message', async () => {
    const client = h.gateway.client();
    const ask = () =>
      client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    h.upstream.queue({
      status: 400,
      body: {
        error: {
          message: 'This model cannot do that',
          type: 'invalid_request_error',
          param: 'tools',
          code: 'bad_tools',
        },
      },
    });
    await assert.rejects(ask(), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.message, '400 This model cannot do that');
      assert.equal(err.param, 'tools');
      assert.equal(err.code, 'bad_tools');
      return true;
    });
    h.upstream.queue({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'Rate limit reached', type: 'requests' } },
    });
    await assert.rejects(ask(), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.headers.get('retry-after'), '7');
      return true;
    });
    h.upstream.queue({ status: 503, body: { error: { message: 'Overloaded' } } });
    await assert.rejects(ask(), { status: 503, message: '503 Overloaded' });
  });

  it('answers an upstream timeout with 504 and an unreachable upstream with 502', async () => {
    h.upstream.queue({ hang: true });
    const timedOut = await post(
      JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.error.code, 'upstream_timeout');
    const down = await post(
      JSON.stringify({ model: 'unreachable', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(down.status, 502);
    assert.equal(down.error.code, 'upstream_unreachable');
  });
});
