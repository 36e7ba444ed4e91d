import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateUsage, prepareTokenizer } from './token-estimate.ts';

describe('estimateUsage', () => {
  it('counts chat prompts and answers with the o200k tokenizer', async () => {
    await prepareTokenizer();
    const usage = estimateUsage(
      { messages: [{ role: 'user', content: 'Hello there' }] },
      'Hello from the stream',
    );
    // "Hello there" = 2 tokens, "user" = 1, 3 per message, 3 to prime the reply; the answer is 4 tokens.
    assert.deepEqual(usage, { promptTokens: 9, completionTokens: 4, totalTokens: 13 });
  });
});
