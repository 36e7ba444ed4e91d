/** Errors as the Responses API gives them: a plain HTTP error, or the `error` of a failed response. */
import type { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';

/** Before any event was sent the Responses API answers errors exactly as chat does. */
export function errorAnswer(error: GatewayError): { status: number; body: JsonObject } {
  return { status: error.status, body: error.toJSON() };
}

/**
 * A failed response's `error.code`. The Responses API has a closed list of codes (`ResponseError`);
 * of those, a mid-stream failure can only be a rate limit, a prompt the upstream refused, or its fault.
 */
export function responseErrorCode(error: GatewayError): string {
  if (error.status === 429 || error.type.includes('rate_limit')) return 'rate_limit_exceeded';
  if (error.status === 400 && error.type === 'invalid_request_error') return 'invalid_prompt';
  return 'server_error';
}

/** The `error` of a failed response. */
export function responseError(error: GatewayError): JsonObject {
  return { code: responseErrorCode(error), message: error.message };
}
