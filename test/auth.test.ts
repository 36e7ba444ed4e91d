import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';

const KEY = 'sk-test-master-1234';

describe('master key auth', () => {
  let gateway: RunningGateway;
  before(async () => {
    gateway = await startGateway(testConfig({ masterKey: KEY, deployments: [mockDeployment('demo')] }));
  });
  after(() => gateway.close());

  const ask = (client: OpenAI) =>
    client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'hi' }],
      mock_response: 'ok',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);

  it("rejects a request without a key with 401 in LiteLLM's error shape", async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.type, 'auth_error');
    assert.equal(body.error.code, '401');
    assert.match(body.error.message, /No API key/);
  });

  it('rejects a wrong key, an empty one and a whitespace one', async () => {
    await assert.rejects(ask(gateway.client('sk-test-wrong')), { status: 401 });
    for (const header of ['Bearer ', 'Bearer    ', '']) {
      const res = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: header } });
      assert.equal(res.status, 401, `header ${JSON.stringify(header)}`);
    }
    const query = await fetch(`${gateway.url}/v1/models?api_key=${KEY}`);
    assert.equal(query.status, 401, 'a key in the query string is not accepted');
  });

  it('accepts the right key as Bearer and as x-api-key', async () => {
    const answer = await ask(gateway.client(KEY));
    assert.equal(answer.choices[0]?.message.content, 'ok');
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': KEY } });
    assert.equal(res.status, 200);
  });

  it('leaves liveness and readiness open, and guards /health and unknown paths', async () => {
    for (const path of ['/health/liveliness', '/health/liveness', '/health/readiness']) {
      assert.equal((await fetch(`${gateway.url}${path}`)).status, 200, path);
    }
    for (const path of [
      '/health',
      '/v1/models',
      '/nope',
      '/health/liveliness/../../v1/models',
      '/%761/models',
    ]) {
      assert.equal((await fetch(`${gateway.url}${path}`)).status, 401, path);
    }
  });
});
