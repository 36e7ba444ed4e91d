import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { sentCost, usage } from './usage.ts';

const tokens = (list: typeof senders.HTTP_SERVER, scope?: string) => {
  const u = usage(new Map(list), scope);
  return { ...Object.fromEntries(u.tokens), includes: u.inputIncludesCache };
};

describe('usage', () => {
  it("reads OpenInference's prompt and completion counts (its total is not read, as in OpenObserve)", () => {
    assert.deepEqual(tokens(senders.OPENINFERENCE_PYTHON_LLM), { input: 82, output: 17, includes: true });
  });

  it("reads GenAI's counts and cache reads, which its input count includes", () => {
    assert.deepEqual(tokens(senders.GEN_AI_EVENTS_SPAN), { input: 1200, output: 40, includes: true });
    assert.deepEqual(tokens(senders.GEN_AI_MESSAGES_SPAN), {
      input: 2000,
      output: 500,
      cache_read_input_tokens: 1000,
      includes: true,
    });
  });

  it("reads Langfuse's usage details", () => {
    assert.deepEqual(tokens(senders.LANGFUSE_GENERATION), {
      input: 15,
      output: 30,
      total: 45,
      includes: false,
    });
    assert.deepEqual(
      tokens([
        [
          'langfuse.observation.usage_details',
          '{"prompt_tokens": 5, "completion_tokens": 2, "input_audio": 3}',
        ],
      ]),
      { input: 5, output: 2, input_audio: 3, includes: false },
    );
  });

  it("reads a provider's own cache fields, whose input count leaves cached tokens out", () => {
    assert.deepEqual(
      tokens([
        ['gen_ai.usage.output_tokens', 100],
        ['gen_ai.usage.prompt_cache_hit_tokens', 700],
        ['gen_ai.usage.prompt_cache_miss_tokens', 300],
      ]),
      { output: 100, cache_read_input_tokens: 700, input: 300, includes: false },
    );
  });

  it('takes digits as numbers, and leaves out zeros and fractions', () => {
    assert.deepEqual(
      tokens([
        ['gen_ai.usage.input_tokens', '12'],
        ['gen_ai.usage.output_tokens', 0],
        ['gen_ai.usage.total_tokens', 12.5],
      ]),
      { input: 12, includes: true },
    );
  });
});

describe('sentCost', () => {
  it("reads GenAI's total and Langfuse's cost details", () => {
    assert.deepEqual(Object.fromEntries(sentCost(new Map(senders.LANGFUSE_GENERATION))), {
      input: 0.0000375,
      output: 0.0003,
      total: 0.0003375,
    });
    assert.deepEqual(Object.fromEntries(sentCost(new Map([['gen_ai.usage.cost', '0.5']]))), { total: 0.5 });
  });

  it("reads OpenInference's llm.cost.* when the span has no other cost (OpenObserve prices it instead)", () => {
    const attrs = new Map([
      ['llm.cost.prompt', 0.001],
      ['llm.cost.completion', 0.002],
      ['llm.cost.total', 0.003],
    ]);
    assert.deepEqual(Object.fromEntries(sentCost(attrs)), { input: 0.001, output: 0.002, total: 0.003 });
    attrs.set('gen_ai.usage.cost', 0.01);
    assert.deepEqual(Object.fromEntries(sentCost(attrs)), { total: 0.01 });
  });
});
