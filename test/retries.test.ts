import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

describe('retries of retryable upstream failures', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: url, maxRetries: 2 })],
  }));

  const ask = () =>
    h.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();

  it('retries a 500 and a 429 (honouring Retry-After) and returns one clean answer', async () => {
    h.upstream.queue({ status: 500 }, { status: 429, headers: { 'retry-after': '0' } });
    const before = h.upstream.received.length;
    const { data, response } = await ask();
    assert.equal(data.object, 'chat.completion');
    assert.equal(h.upstream.received.length - before, 3);
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '2');
  });

  it('does not retry a 400', async () => {
    h.upstream.queue({ status: 400, body: { error: { message: 'bad' } } });
    const before = h.upstream.received.length;
    await assert.rejects(ask(), { status: 400 });
    assert.equal(h.upstream.received.length - before, 1);
  });

  it('gives up after max_retries and returns the last error', async () => {
    h.upstream.queue(
      { status: 502 },
      { status: 502 },
      { status: 503, body: { error: { message: 'still down' } } },
    );
    await assert.rejects(ask(), { status: 503, message: '503 still down' });
  });
});
