/**
 * The gateway's errors in Anthropic's shape: `{type: 'error', error: {type, message}}`, typed by status
 * with the provider's own table read backwards, so an Anthropic SDK raises the same error class (and
 * retries the same way) as against Anthropic.
 */
import type { GatewayError } from '../../errors/gateway-error.ts';
import { ERROR_STATUS } from '../../providers/anthropic/errors.ts';
import { isObject, objectOr } from '../../providers/anthropic/json.ts';
import type { StreamEvent } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import { invert } from './invert.ts';

const ERROR_TYPES = invert(ERROR_STATUS);

/**
 * Anthropic's error type for a status. 503 (an upstream that is down or shedding load) is typed as
 * Anthropic's overload, which its clients back off from; any other 5xx is `api_error` and any other
 * status `invalid_request_error`.
 */
export function errorType(status: number): string {
  const known = ERROR_TYPES.get(status);
  if (known !== undefined) return known;
  if (status === 503) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/** The upstream's own error type, when the upstream was Anthropic and said it. */
function upstreamType(body: unknown): string | undefined {
  if (!isObject(body) || body.type !== 'error') return undefined;
  const type = objectOr(body.error).type;
  return typeof type === 'string' && type !== '' ? type : undefined;
}

/** The status as it is (529 stays 529); one that is not an HTTP error status answers 500. */
const httpStatus = (status: number): number => (status >= 400 && status <= 599 ? status : 500);

export function errorBody(error: GatewayError): JsonObject {
  const type = upstreamType(error.upstreamBody) ?? errorType(httpStatus(error.status));
  return { type: 'error', error: { type, message: error.message } };
}

export function errorAnswer(error: GatewayError): { status: number; body: JsonObject } {
  return { status: httpStatus(error.status), body: errorBody(error) };
}

/** The `error` event that ends a stream which failed after it started. */
export function errorEvent(error: GatewayError): StreamEvent {
  return { event: 'error', data: errorBody(error) };
}
