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

  it('counts huge and hostile text in bounded time, close to the exact count', async () => {
    await prepareTokenizer();
    const started = performance.now();
    // One 4 MB "word": counted whole, BPE takes minutes; a 10 MB prompt of ordinary text.
    const usage = estimateUsage(
      { messages: [{ role: 'user', content: 'hello world, this is text. '.repeat(400_000) }] },
      'x'.repeat(4 * 1024 * 1024),
    );
    const ms = performance.now() - started;
    assert.ok(ms < 5_000, `took ${Math.round(ms)} ms`);
    // 'x' * 8 is one o200k token; ordinary text here is ~0.26 tokens per character.
    assert.ok(Math.abs(usage.completionTokens - (4 * 1024 * 1024) / 8) < 0.02 * usage.completionTokens);
    assert.ok(usage.promptTokens > 2_000_000 && usage.promptTokens < 3_500_000, String(usage.promptTokens));
  });
});
