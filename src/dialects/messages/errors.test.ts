import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest, GatewayError } from '../../errors/gateway-error.ts';
import { streamError } from '../../providers/anthropic/errors.ts';
import { errorAnswer, errorEvent } from './errors.ts';

const failure = (status: number, type = 'api_error', upstreamBody?: unknown) =>
  new GatewayError(`failed with ${status}`, { status, type, upstreamBody });

describe('messages dialect: errors', () => {
  it('types each status as Anthropic does, keeping the status (529 stays 529)', () => {
    const cases: Array<[number, string]> = [
      [400, 'invalid_request_error'],
      [401, 'authentication_error'],
      [402, 'billing_error'],
      [403, 'permission_error'],
      [404, 'not_found_error'],
      [413, 'request_too_large'],
      [429, 'rate_limit_error'],
      [500, 'api_error'],
      [504, 'timeout_error'],
      [529, 'overloaded_error'],
      [503, 'overloaded_error'],
      [502, 'api_error'],
      [408, 'invalid_request_error'],
      [499, 'invalid_request_error'],
    ];
    for (const [status, type] of cases)
      assert.deepEqual(errorAnswer(failure(status)), {
        status,
        body: { type: 'error', error: { type, message: `failed with ${status}` } },
      });
  });

  it('answers 500 for a status that is not an error status', () => {
    assert.deepEqual(errorAnswer(failure(200)), {
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'failed with 200' } },
    });
  });

  it("keeps an Anthropic upstream's own error type", () => {
    const upstream = { type: 'error', error: { type: 'billing_error', message: 'Top up' } };
    assert.deepEqual(errorAnswer(failure(400, 'billing_error', upstream)).body, {
      type: 'error',
      error: { type: 'billing_error', message: 'failed with 400' },
    });
    // An OpenAI-shaped upstream body says nothing in Anthropic's terms: the status decides.
    const openai = { error: { type: 'server_error', message: 'x' } };
    assert.equal(
      (errorAnswer(failure(500, 'server_error', openai)).body.error as { type: string }).type,
      'api_error',
    );
  });

  it("says which parameter was wrong only in the message, as Anthropic's errors do", () => {
    assert.deepEqual(errorAnswer(badRequest('max_tokens must be a positive integer', 'max_tokens')), {
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens must be a positive integer' },
      },
    });
  });

  it('ends a stream with an error event, an upstream stream error keeping its type', () => {
    const upstream = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    assert.deepEqual(errorEvent(streamError(upstream)), { event: 'error', data: upstream });
  });
});
