import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTokens, priceOf } from './pricing.ts';

describe('priceOf', () => {
  it('prices tokens from the genai-prices table, cached input at its own rate', () => {
    const plain = priceOf('gpt-4o', undefined, { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 });
    assert.ok(plain);
    assert.ok(Math.abs(plain.input - 0.0025) < 1e-12);
    assert.ok(Math.abs(plain.output - 0.001) < 1e-12);
    assert.ok(Math.abs(plain.total - 0.0035) < 1e-12);
    const cached = priceOf('gpt-4o', 'openai', { input: 1000, output: 100, cacheRead: 500, cacheWrite: 0 });
    assert.ok(cached && cached.input < plain.input, 'cached input costs less');
  });

  it('prices nothing for a model the table does not know', () => {
    assert.equal(
      priceOf('my-own-model', 'acme', { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 }),
      undefined,
    );
  });
});

describe('countTokens', () => {
  it('counts with the o200k tokenizer, and extrapolates past its budget', () => {
    assert.equal(countTokens('Hello world'), 2);
    const long = 'word '.repeat(200_000);
    const tokens = countTokens(long);
    assert.ok(tokens > 150_000 && tokens < 250_000, String(tokens));
  });
});
