import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecord } from '../gateway/record.ts';
import { requestSpanAttributes } from './attributes.ts';

const OPTIONS = { hideInputs: true, hideOutputs: true, maxValueLength: 1000 };

/** The `llm.provider` and `gen_ai.provider.name` of a request answered by a deployment of `provider`. */
function providerNames(provider: string | undefined): [unknown, unknown] {
  const record = newRecord('id', 'chat', { model: 'm' }, false);
  if (provider !== undefined)
    record.deployment = {
      id: 'd',
      modelName: 'm',
      provider,
      model: 'm',
      litellmModel: `${provider}/m`,
      params: {},
      modelInfo: {},
    };
  const a = requestSpanAttributes(record, 200, OPTIONS);
  return [a['llm.provider'], a['gen_ai.provider.name']];
}

describe('provider names in request spans', () => {
  it("uses each convention's name for the provider, the prefix as written where it has none", () => {
    assert.deepEqual(providerNames('openai'), ['openai', 'openai']);
    assert.deepEqual(providerNames('gemini'), ['google', 'gcp.gemini']);
    assert.deepEqual(providerNames('azure'), ['azure', 'azure.ai.openai']);
    assert.deepEqual(providerNames('anthropic'), ['anthropic', 'anthropic']);
    assert.deepEqual(providerNames('mock'), ['mock', 'openai']);
    assert.deepEqual(providerNames('groq'), ['groq', 'groq']);
    assert.deepEqual(providerNames('vllm'), ['vllm', 'vllm']);
    assert.deepEqual(providerNames('ollama_chat'), ['ollama_chat', 'ollama_chat']);
    assert.deepEqual(providerNames(undefined), ['unknown', 'openai']);
  });
});
