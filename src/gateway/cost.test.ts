import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import type { Deployment } from '../config/types.ts';
import type { Usage } from '../providers/spec.ts';
import { costOf, loadPrices, Prices } from './cost.ts';
import type { CalcPrice } from './price-table.ts';

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

/** The library's own answer for a usage, as costOf reports it. */
function expected(d: Deployment, u: Usage, providerId: string) {
  const tokens: Record<string, number> = { input_tokens: u.promptTokens, output_tokens: u.completionTokens };
  if (u.cachedTokens) tokens.cache_read_tokens = u.cachedTokens;
  if (u.cacheWriteTokens) tokens.cache_write_tokens = u.cacheWriteTokens;
  const r = calcPrice(tokens, d.model, { providerId });
  assert.ok(r, `${providerId}/${d.model} is in the table`);
  return { prompt: r.input_price, completion: r.output_price, total: r.input_price + r.output_price };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1e-9, Math.abs(b));

/** calcPrice, counting the calls that search the table for a model (by provider id). */
function countingCalc() {
  const count = { searches: 0, calls: 0 };
  const calc: CalcPrice = (usage, model, options) => {
    count.calls++;
    if (options?.providerId !== undefined) count.searches++;
    return calcPrice(usage, model, options);
  };
  return { calc, count };
}

const usages: Usage[] = [
  { promptTokens: 1000, completionTokens: 1000, totalTokens: 2000 },
  { promptTokens: 10, completionTokens: 20, totalTokens: 30 },
  { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
  { promptTokens: 1200, completionTokens: 300, totalTokens: 1500, cachedTokens: 1024 },
  { promptTokens: 5000, completionTokens: 80, totalTokens: 5080, cachedTokens: 500, cacheWriteTokens: 4000 },
  // Past the 200k / 272k prompt-size tiers of the tiered entries.
  { promptTokens: 300_000, completionTokens: 4000, totalTokens: 304_000, cachedTokens: 100_000 },
];

describe('Prices: one table search per deployment', () => {
  const models = [
    ['openai', 'openai', 'gpt-4o-mini'], // one flat price list
    ['anthropic', 'anthropic', 'claude-3-5-sonnet-20241022'], // flat, with cache writes
    ['azure', 'azure', 'gpt-4o'], // found through azure's fallback to openai
    ['gemini', 'google', 'gemini-1.5-pro'], // prices tiered by prompt size
    ['anthropic', 'anthropic', 'claude-sonnet-4-5'], // tiered, with cache writes
    ['openai', 'openai', 'o3'], // prices that change on a start date
  ] as const;

  it('costs what calcPrice says, cached and cache-write tokens included, for flat, tiered and dated prices', () => {
    const prices = new Prices(calcPrice);
    for (const [provider, providerId, model] of models) {
      const d = deployment(provider, model);
      for (const u of usages) {
        const got = prices.costOf(d, u);
        const want = expected(d, u, providerId);
        const what = `${model} ${JSON.stringify(u)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
        assert.ok(got && close(got.prompt, want.prompt) && close(got.completion, want.completion), what);
        assert.ok(close(got.total, want.total), what);
      }
    }
  });

  it('searches the table on the first request of a deployment only', () => {
    const { calc, count } = countingCalc();
    const prices = new Prices(calc);
    const deployments = models.map(([provider, , model]) => deployment(provider, model));
    for (let i = 0; i < 50; i++) for (const d of deployments) prices.costOf(d, usages[i % usages.length]);
    assert.equal(count.searches, deployments.length);
  });

  it('prices a flat entry without calling the library per request', () => {
    const { calc, count } = countingCalc();
    const prices = new Prices(calc);
    const d = deployment('openai', 'gpt-4o-mini');
    prices.costOf(d, usages[0]);
    const afterFirst = count.calls;
    for (let i = 0; i < 100; i++) prices.costOf(d, usages[i % usages.length]);
    assert.equal(count.calls, afterFirst);
  });

  it('remembers a model the table does not know, and never searches for it again', () => {
    const { calc, count } = countingCalc();
    const prices = new Prices(calc);
    const d = deployment('openai', 'bench');
    for (let i = 0; i < 10; i++) assert.equal(prices.costOf(d, usages[0]), undefined);
    assert.equal(count.searches, 1);
  });

  it("prefers model_info's own prices and never searches for them", () => {
    const { calc, count } = countingCalc();
    const prices = new Prices(calc);
    const d = { ...deployment('openai', 'gpt-4o-mini'), modelInfo: { input_cost_per_token: 1e-6 } };
    assert.deepEqual(prices.costOf(d, usages[0]), { prompt: 1e-3, completion: 0, total: 1e-3 });
    assert.equal(count.calls, 0);
  });

  it('answers no price, never an error, when the library throws', () => {
    const prices = new Prices(calcPrice);
    const d = deployment('openai', 'gpt-4o-mini');
    const impossible = { promptTokens: 10, completionTokens: 1, totalTokens: 11, cachedTokens: 50 };
    assert.throws(() => expected(d, impossible, 'openai'));
    assert.equal(prices.costOf(d, impossible), undefined);
    const broken = new Prices(() => {
      throw new Error('broken table');
    });
    assert.equal(broken.costOf(d, usages[0]), undefined);
  });
});
