/** Recorded Gemini error answers as the errors a client sees (fallbacks key on their codes). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureText } from '../../../test/fixtures/gemini/fixtures.ts';
import { upstreamHttpError } from '../http/upstream-error.ts';
import { geminiError } from './errors.ts';

describe('gemini errors', () => {
  it('gives a prompt over the token limit the context_length_exceeded code', () => {
    const error = geminiError(upstreamHttpError(400, fixtureText('error-400-token-limit.json'), {}));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'context_length_exceeded');
    assert.match(error.message, /input token count \(1200345\) exceeds the maximum/);
  });

  it('keeps a quota error retryable, with its status as code and its retry delay', () => {
    const error = geminiError(upstreamHttpError(429, fixtureText('error-429-resource-exhausted.json'), {}));
    assert.equal(error.status, 429);
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.code, 'resource_exhausted');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterSeconds, 37);
  });

  it('prefers a Retry-After header, and leaves errors without Gemini JSON alone', () => {
    const error = geminiError(
      upstreamHttpError(429, fixtureText('error-429-resource-exhausted.json'), { 'retry-after': '5' }),
    );
    assert.equal(error.retryAfterSeconds, 5);
    const plain = upstreamHttpError(502, 'Bad Gateway', {});
    assert.equal(geminiError(plain), plain);
  });
});
