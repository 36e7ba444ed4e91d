/**
 * Cooldowns through the real server and the openai SDK: a deployment that keeps failing stops getting
 * traffic while its group's other deployment answers, and when every deployment is cooling down the
 * client gets a clear 429 with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

describe('cooldowns', () => {
  let bad: MockUpstream;
  let good: MockUpstream;
  let gateway: RunningGateway;
  const down = { status: 500, body: { error: { message: 'down', type: 'server_error' } } };

  before(async () => {
    bad = await startMockUpstream();
    good = await startMockUpstream();
    bad.defaultScript = down;
    gateway = await startGateway(
      testConfig({
        cooldowns: { allowedFails: 1, cooldownMs: 60_000, disabled: false },
        numRetries: 2,
        deployments: [
          deployment({ id: 'bad', modelName: 'pair', model: 'm', apiBase: bad.url, apiKey: 'sk-test-x' }),
          deployment({ id: 'good', modelName: 'pair', model: 'm', apiBase: good.url, apiKey: 'sk-test-x' }),
          deployment({
            id: 'bad-1',
            modelName: 'both-bad',
            model: 'm',
            apiBase: bad.url,
            apiKey: 'sk-test-x',
          }),
          deployment({
            id: 'bad-2',
            modelName: 'both-bad',
            model: 'm',
            apiBase: bad.url,
            apiKey: 'sk-test-x',
          }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await bad.close();
    await good.close();
  });

  it('stops sending to a deployment that keeps failing; the client gets answers from the other', async () => {
    const client = gateway.client();
    for (let i = 0; i < 12; i++) {
      const answer = await client.chat.completions.create({
        model: 'pair',
        messages: [{ role: 'user', content: 'x' }],
      });
      assert.ok(answer.choices[0]);
    }
    const toBad = bad.received.filter((r) => r.path.endsWith('/chat/completions')).length;
    assert.ok(toBad <= 2, `the failing deployment got ${toBad} calls (allowed_fails 1, then cooling down)`);
  });

  it('answers 429 with Retry-After when every deployment of the group is cooling down', async () => {
    const client = gateway.client();
    let last: { status?: number; headers?: Headers; message?: string } = {};
    for (let i = 0; i < 4; i++) {
      try {
        await client.chat.completions.create({
          model: 'both-bad',
          messages: [{ role: 'user', content: 'x' }],
        });
      } catch (err) {
        last = err as typeof last;
      }
    }
    assert.equal(last.status, 429);
    assert.match(String(last.message), /cooling down/);
    assert.ok(Number(last.headers?.get('retry-after')) > 0);
  });
});
