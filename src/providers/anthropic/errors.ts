/**
 * Anthropic's errors in OpenAI's terms. The base has already read `{type:'error', error:{type,
 * message}}` into a GatewayError; what differs is that a prompt too long for the model carries no
 * code, and the fallback logic (and OpenAI clients) look for `context_length_exceeded`.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import { objectOr } from './json.ts';

/** Anthropic's wording: "prompt is too long: 210000 tokens > 200000 maximum", and the max_tokens variant. */
const CONTEXT_WINDOW = /prompt is too long|exceeds? (the )?context (limit|window)|context window/i;

export function anthropicError(error: GatewayError): GatewayError {
  if (error.code === 'context_length_exceeded' || !CONTEXT_WINDOW.test(error.message)) return error;
  return new GatewayError(error.message, {
    status: error.status,
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
    param: error.param ?? 'messages',
    retryable: false,
    upstreamBody: error.upstreamBody,
    cause: error,
  });
}

/**
 * The status Anthropic gives each error type over HTTP, for the same error arriving as a stream event.
 * One type per status: the Messages dialect reads this table backwards to type the gateway's errors.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * An `error` event in a stream that has already started: its status and type as over HTTP, but never
 * retried, because the client has already been sent part of the answer. (The base passes it through
 * anthropicError() like any other.)
 */
export function streamError(data: unknown): GatewayError {
  const err = objectOr(objectOr(data).error);
  const type = typeof err.type === 'string' ? err.type : 'api_error';
  const message = typeof err.message === 'string' ? err.message : 'The upstream failed mid-stream';
  return new GatewayError(message, {
    status: ERROR_STATUS[type] ?? 502,
    type,
    code: 'upstream_stream_error',
    retryable: false,
    upstreamBody: data,
  });
}
