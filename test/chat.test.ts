import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';
import { UPSTREAM_MODEL, UPSTREAM_USAGE } from './helpers/mock-upstream.ts';

describe('chat completions through the gateway', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [
      deployment({
        modelName: 'gpt-test',
        model: 'gpt-upstream',
        apiBase: url,
        apiKey: 'sk-test-upstream',
        id: 'dep-1',
      }),
      deployment({
        modelName: 'priced',
        model: 'my-finetune',
        apiBase: url,
        modelInfo: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 },
      }),
    ],
  }));

  it('answers a plain chat request with the upstream answer, unchanged', async () => {
    const { data, response } = await h.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, 'Hello from the mock upstream (asked for gpt-upstream)');
    assert.equal(data.model, UPSTREAM_MODEL);
    assert.equal(data.created, 1_700_000_000);
    assert.deepEqual(data.usage, UPSTREAM_USAGE);
    assert.equal(response.headers.get('x-tollgate-model-id'), 'dep-1');
    assert.equal(response.headers.get('x-tollgate-model-group'), 'gpt-test');
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '0');
    assert.match(response.headers.get('x-tollgate-call-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(Number(response.headers.get('x-tollgate-response-duration-ms')) > 0);
    assert.ok(Number(response.headers.get('x-tollgate-overhead-duration-ms')) >= 0);
    const sent = h.upstream.received.at(-1);
    assert.equal(sent?.path, '/v1/chat/completions');
    assert.equal(sent?.headers.authorization, 'Bearer sk-test-upstream');
    assert.deepEqual(sent?.body, { model: 'gpt-upstream', messages: [{ role: 'user', content: 'hi' }] });
  });

  it("prices an answer with the deployment's own prices, and leaves unknown models unpriced", async () => {
    const priced = await h.gateway
      .client()
      .chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(Number(priced.response.headers.get('x-tollgate-response-cost')).toFixed(6), '0.026000');
    const unpriced = await h.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(unpriced.response.headers.get('x-tollgate-response-cost'), null);
  });

  it('relays a streamed answer chunk by chunk, ending with [DONE]', async () => {
    const stream = await h.gateway.client().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    let roleChunk = false;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.role === 'assistant') roleChunk = true;
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(pieces.join(''), 'Hello from the stream');
    assert.equal(finish, 'stop');
    assert.ok(roleChunk, 'the role-only first chunk is passed through');
  });

  it('answers on /chat/completions without the /v1 prefix too', async () => {
    const res = await fetch(`${h.gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string };
    assert.equal(body.object, 'chat.completion');
  });
});
