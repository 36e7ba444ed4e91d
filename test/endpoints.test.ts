import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

describe('completions, embeddings, models and health', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [
      deployment({
        modelName: 'text-test',
        model: 'text-upstream',
        apiBase: url,
        apiKey: 'sk-test-a',
      }),
      deployment({
        modelName: 'embed-test',
        model: 'embed-upstream',
        apiBase: url,
        apiKey: 'sk-test-a',
        modelInfo: { mode: 'embedding' },
      }),
    ],
  }));

  it('serves legacy completions, plain and streamed', async () => {
    const client = h.gateway.client();
    const plain = await client.completions.create({ model: 'text-test', prompt: 'Say' });
    assert.equal(plain.choices[0]?.text, ' completed (text-upstream)');
    assert.equal(plain.usage?.total_tokens, 19);
    const stream = await client.completions.create({ model: 'text-test', prompt: 'Say', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal(text, 'Hello from the stream');
    assert.equal(h.upstream.received.at(-1)?.path, '/v1/completions');
  });

  it('serves embeddings in the SDK default (base64) and as floats', async () => {
    const client = h.gateway.client();
    const decoded = await client.embeddings.create({ model: 'embed-test', input: ['a', 'b'] });
    assert.equal(decoded.data.length, 2);
    assert.deepEqual(decoded.data[0]?.embedding, [0.25, -0.5, 0.75]);
    const floats = await client.embeddings.create({
      model: 'embed-test',
      input: 'a',
      encoding_format: 'float',
    });
    assert.deepEqual(floats.data[0]?.embedding, [0.25, -0.5, 0.75]);
    assert.equal(floats.usage.total_tokens, 4);
    assert.equal(h.upstream.received.at(-1)?.body.model, 'embed-upstream');
  });

  it('lists the model groups and retrieves one', async () => {
    const client = h.gateway.client();
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids, ['text-test', 'embed-test']);
    const one = await client.models.retrieve('text-test');
    assert.equal(one.id, 'text-test');
    await assert.rejects(client.models.retrieve('nope'), { status: 404 });
    const bare = await fetch(`${h.gateway.url}/models`);
    assert.equal(((await bare.json()) as { object: string }).object, 'list');
  });

  it('answers the liveness and readiness probes', async () => {
    for (const path of ['/health/liveliness', '/health/liveness']) {
      const res = await fetch(`${h.gateway.url}${path}`);
      assert.equal(res.status, 200);
      assert.equal(await res.json(), "I'm alive!");
    }
    const ready = await fetch(`${h.gateway.url}/health/readiness`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'healthy');
  });

  it('reports model health by calling each deployment', async () => {
    h.upstream.queue({}, { status: 500, body: { error: { message: 'model is down' } } });
    const res = await fetch(`${h.gateway.url}/health`);
    assert.equal(res.status, 200);
    const report = (await res.json()) as {
      healthy_count: number;
      unhealthy_count: number;
      unhealthy_endpoints: Array<{ error: string }>;
    };
    assert.equal(report.healthy_count + report.unhealthy_count, 2);
    assert.equal(report.unhealthy_count, 1);
    assert.match(report.unhealthy_endpoints[0]?.error ?? '', /model is down/);
    assert.ok(!JSON.stringify(report).includes('sk-test-a'), 'no key in the health report');
  });
});
