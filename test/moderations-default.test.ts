/**
 * LiteLLM's `/moderations` without a `model`, or with one the model list lacks: sent to OpenAI itself
 * (here the upstream OPENAI_API_BASE would name), with the client's model or none — OpenAI's default
 * then. A model in the list is routed to its group as always.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { MODERATION } from './fixtures/openai/endpoints.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';

describe('moderations for no model, or one not in the list', () => {
  let upstream: FixtureUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;
  const sent = () => upstream.received.filter((r) => r.path === '/v1/moderations').at(-1);

  before(async () => {
    upstream = await startFixtureUpstream();
    const apiBase = `${upstream.url}/v1`;
    const openai = deployment({
      modelName: 'omni-moderation-latest',
      model: 'omni-moderation-latest',
      apiBase,
      apiKey: 'sk-openai-env',
    });
    gateway = await startGateway(
      testConfig({
        deployments: [deployment({ modelName: 'mod', model: 'mod-model', apiBase, apiKey: 'sk-group' })],
        moderation: { openai },
      }),
    );
    client = gateway.client();
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it("without a model, asks OpenAI's default moderation model", async () => {
    upstream.queue('/v1/moderations', { json: MODERATION });
    const res = await fetch(`${gateway.url}/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'I want to harm someone' }),
    });
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(((await res.json()) as { results?: unknown }).results));
    assert.equal(sent()?.body.model, 'omni-moderation-latest');
    assert.equal(sent()?.headers.authorization, 'Bearer sk-openai-env');
  });

  it('with a model not in the list, asks OpenAI for that model', async () => {
    upstream.queue('/v1/moderations', { json: MODERATION });
    const answer = await client.moderations.create({ model: 'text-moderation-stable', input: 'x' });
    assert.equal(answer.results[0]?.flagged, true);
    assert.equal(sent()?.body.model, 'text-moderation-stable');
  });

  it('with a model in the list, routes to its group', async () => {
    upstream.queue('/v1/moderations', { json: MODERATION });
    await client.moderations.create({ model: 'mod', input: 'x' });
    assert.equal(sent()?.body.model, 'mod-model');
    assert.equal(sent()?.headers.authorization, 'Bearer sk-group');
  });
});
