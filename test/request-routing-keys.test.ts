/**
 * A virtual key's client-side fallbacks, as LiteLLM checks them: every model `fallbacks` names must be
 * one the key may use, refused up front (401) otherwise, before anything is called.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { call, chat, MASTER } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

describe("a virtual key's client-side fallbacks", () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;

  before(async () => {
    upstream = await startMockUpstream();
    const on = (modelName: string) =>
      deployment({ modelName, model: `${modelName}-model`, apiBase: upstream.url });
    gateway = await startGateway(
      testConfig({ masterKey: MASTER, deployments: [on('main'), on('spare')] }),
      undefined,
      undefined,
      undefined,
      { sqlitePath: ':memory:' },
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const keyFor = async (models: string[]) =>
    String((await call(gateway.url, '/key/generate', { models })).body.key);

  for (const fallbacks of [['spare'], [{ model: 'spare', messages: [{ role: 'user', content: 'x' }] }]]) {
    it(`answers through a fallback the key may use, and refuses one it may not (${JSON.stringify(fallbacks).slice(0, 20)}…)`, async () => {
      const allowed = await keyFor(['main', 'spare']);
      const ok = await chat(gateway.url, allowed, 'main', { mock_testing_fallbacks: true, fallbacks });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.headers.get('x-litellm-attempted-fallbacks'), '1');
      const before = upstream.received.length;
      const narrow = await keyFor(['main']);
      const refused = await chat(gateway.url, narrow, 'main', { mock_testing_fallbacks: true, fallbacks });
      assert.equal(refused.status, 401);
      assert.match(JSON.stringify(refused.body), /spare/);
      assert.equal(upstream.received.length, before, 'nothing was called');
    });
  }
});
