import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/anthropic/fixtures.ts';
import { upstreamHttpError } from '../http/upstream-error.ts';
import { anthropicError } from './errors.ts';

/** The error as the client would get it: read by the base's HTTP error parser, then this adapter's hook. */
function upstreamFailure(name: string) {
  const { status, body } = fixtureJson<{ status: number; body: unknown }>(name);
  return anthropicError(upstreamHttpError(status, JSON.stringify(body), {}));
}

describe('anthropic errors', () => {
  it('gives a prompt too long the context_length_exceeded code, which context-window fallbacks key on', () => {
    const error = upstreamFailure('error-prompt-too-long.json');
    assert.equal(error.status, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'context_length_exceeded');
    assert.equal(error.message, 'prompt is too long: 208314 tokens > 200000 maximum');
    assert.equal(error.retryable, false);
  });

  it('keeps 529 overloaded retryable, with its message', () => {
    const error = upstreamFailure('error-overloaded.json');
    assert.equal(error.status, 529);
    assert.equal(error.type, 'overloaded_error');
    assert.equal(error.message, 'Overloaded');
    assert.equal(error.retryable, true);
    assert.equal(error.code, null);
  });
});
