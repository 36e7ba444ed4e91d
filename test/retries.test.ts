import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

describe('retries of retryable upstream failures', () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;

  before(async () => {
    upstream = await startMockUpstream();
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url, maxRetries: 2 }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const ask = () =>
    gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();

  it('retries a 500 and a 429 (honouring Retry-After) and returns one clean answer', async () => {
    upstream.queue({ status: 500 }, { status: 429, headers: { 'retry-after': '0' } });
    const before = upstream.received.length;
    const { data, response } = await ask();
    assert.equal(data.object, 'chat.completion');
    assert.equal(upstream.received.length - before, 3);
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '2');
  });

  it('does not retry a 400', async () => {
    upstream.queue({ status: 400, body: { error: { message: 'bad' } } });
    const before = upstream.received.length;
    await assert.rejects(ask(), { status: 400 });
    assert.equal(upstream.received.length - before, 1);
  });

  it('gives up after max_retries and returns the last error', async () => {
    upstream.queue(
      { status: 502 },
      { status: 502 },
      { status: 503, body: { error: { message: 'still down' } } },
    );
    await assert.rejects(ask(), { status: 503, message: '503 still down' });
  });
});
