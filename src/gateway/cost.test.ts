import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../config/types.ts';
import { costOf, loadPrices } from './cost.ts';

const usage = { promptTokens: 1000, completionTokens: 1000, totalTokens: 2000 };

function deployment(provider: string, model: string): Deployment {
  return {
    id: model,
    modelName: model,
    provider,
    model,
    litellmModel: `${provider}/${model}`,
    params: {},
    modelInfo: {},
  };
}

describe('costOf from the bundled price table', () => {
  it("looks a model up under its provider's genai-prices id", async () => {
    const gemini = deployment('gemini', 'gemini-2.0-flash');
    await loadPrices([gemini]);
    assert.ok((costOf(gemini, usage)?.total ?? 0) > 0, 'gemini/ is priced as google');
    assert.ok((costOf(deployment('azure', 'gpt-4o'), usage)?.total ?? 0) > 0, 'azure/ is priced as azure');
  });

  it('leaves providers without a price table unpriced', async () => {
    await loadPrices([deployment('openai', 'gpt-4o')]);
    for (const [provider, model] of [
      ['groq', 'llama-3.1-8b-instant'],
      ['mock', 'demo'],
      ['nvidia_nim', 'meta/llama-3.1-8b-instruct'],
    ] as const)
      assert.equal(costOf(deployment(provider, model), usage), undefined, provider);
  });
});
