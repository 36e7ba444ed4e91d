import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const REQUEST = {
  model: 'gpt-test',
  messages: [{ role: 'user', content: 'x' }],
  temperature: 0.3,
  top_k: 40,
  safe_prompt: true,
  mock_testing_flag: undefined,
} as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

describe('drop_params', () => {
  let upstream: MockUpstream;
  const gateways: RunningGateway[] = [];

  before(async () => {
    upstream = await startMockUpstream();
  });
  after(async () => {
    for (const g of gateways) await g.close();
    await upstream.close();
  });

  async function gatewayWith(dropParams: boolean, model = 'gpt-4o-mini') {
    const g = await startGateway(
      testConfig({
        dropParams,
        deployments: [deployment({ modelName: 'gpt-test', model, apiBase: upstream.url })],
      }),
    );
    gateways.push(g);
    return g;
  }

  it('without it, every parameter reaches the upstream unchanged', async () => {
    const g = await gatewayWith(false);
    await g.client().chat.completions.create(REQUEST);
    const body = upstream.received.at(-1)?.body;
    assert.equal(body?.top_k, 40);
    assert.equal(body?.safe_prompt, true);
    assert.equal(body?.temperature, 0.3);
  });

  it('with it, parameters the provider cannot take are dropped and the rest kept', async () => {
    const g = await gatewayWith(true);
    await g.client().chat.completions.create(REQUEST);
    const body = upstream.received.at(-1)?.body;
    assert.deepEqual(body, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.3,
    });
  });

  it('with it, sampling parameters a reasoning model rejects are dropped', async () => {
    const g = await gatewayWith(true, 'o3-mini');
    await g.client().chat.completions.create({ ...REQUEST, max_completion_tokens: 50 });
    const body = upstream.received.at(-1)?.body;
    assert.equal(body?.temperature, undefined);
    assert.equal(body?.max_completion_tokens, 50);
  });

  it('never forwards gateway-only fields such as mock_response', async () => {
    const g = await gatewayWith(false);
    const before = upstream.received.length;
    const answer = await g.client().chat.completions.create({
      ...REQUEST,
      mock_response: 'canned',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(answer.choices[0]?.message.content, 'canned');
    assert.equal(upstream.received.length, before, 'the upstream was not called');
  });
});
