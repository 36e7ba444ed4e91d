import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../config/types.ts';
import { getProvider } from '../providers/registry.ts';
import { prepareBody } from './request-body.ts';

const openAiProvider = getProvider('openai') ?? assert.fail('openai is registered');

const deployment: Deployment = {
  id: 'd',
  modelName: 'group',
  provider: 'openai',
  model: 'gpt-4o-mini',
  litellmModel: 'openai/gpt-4o-mini',
  params: { temperature: 0.1, max_tokens: 99 },
  modelInfo: {},
};

describe('prepareBody', () => {
  it("uses the deployment's model and its params only where the client set none", () => {
    const { body } = prepareBody(
      'chat',
      { model: 'group', messages: [], temperature: 0.9 },
      deployment,
      openAiProvider,
      false,
    );
    assert.deepEqual(body, { model: 'gpt-4o-mini', messages: [], temperature: 0.9, max_tokens: 99 });
  });

  it('strips gateway-only fields, and metadata unless the completion is stored', () => {
    const client = { model: 'group', messages: [], mock_response: 'x', num_retries: 3, metadata: { a: '1' } };
    assert.equal(prepareBody('chat', client, deployment, openAiProvider, false).body.metadata, undefined);
    const stored = prepareBody('chat', { ...client, store: true }, deployment, openAiProvider, false).body;
    assert.deepEqual(stored.metadata, { a: '1' });
    assert.equal(stored.mock_response, undefined);
    assert.equal(stored.num_retries, undefined);
  });

  it('under drop_params, drops and reports what the provider cannot take', () => {
    const { body, dropped } = prepareBody(
      'embeddings',
      { model: 'group', input: 'x', temperature: 1 },
      deployment,
      openAiProvider,
      true,
    );
    assert.deepEqual(dropped.sort(), ['max_tokens', 'temperature']);
    assert.deepEqual(body, { model: 'gpt-4o-mini', input: 'x' });
  });
});
