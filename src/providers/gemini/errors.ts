/**
 * Gemini's error answers (`{error: {code, message, status, details}}`) with OpenAI's codes where the
 * gateway acts on them: a prompt over the model's token limit is `context_length_exceeded`, so that
 * `context_window_fallbacks` apply. Otherwise the code is Gemini's status in lower case
 * (`resource_exhausted`), which says more than the numeric code the base would keep.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';

/** Gemini's wording: "The input token count (…) exceeds the maximum number of tokens allowed (…)". */
const TOO_LONG = /exceeds the maximum number of tokens|input token count.*exceeds/i;

export function geminiError(error: GatewayError): GatewayError {
  const body = (error.upstreamBody as { error?: JsonObject } | undefined)?.error;
  if (body === undefined || typeof body !== 'object' || body === null) return error;
  const status = typeof body.status === 'string' ? body.status.toLowerCase() : error.code;
  return new GatewayError(error.message, {
    status: error.status,
    type: error.type,
    code: TOO_LONG.test(error.message) ? 'context_length_exceeded' : status,
    param: error.param,
    retryable: error.retryable,
    upstreamBody: error.upstreamBody,
    retryAfterSeconds: error.retryAfterSeconds ?? retryDelay(body.details),
    cause: error.cause,
  });
}

/** A 429's RetryInfo detail (`"retryDelay": "37s"`), for when no Retry-After header came with it. */
function retryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details as JsonObject[]) {
    const match = typeof d?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay) : null;
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}
