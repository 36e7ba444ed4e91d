/**
 * LiteLLM's per-request routing controls: the body's `num_retries`, `timeout` (or the `x-litellm-timeout`
 * header), client-side `fallbacks` (and `context_window_fallbacks`, `content_policy_fallbacks`,
 * `disable_fallbacks`), and its documented testing switches (`mock_testing_fallbacks`, …,
 * `mock_testing_rate_limit_error`, `mock_timeout`). All of them steer the gateway and are never sent
 * upstream (request-body.ts's GATEWAY_ONLY); the lifecycle applies them (gateway.ts, attempt.ts).
 */
import type { Fallbacks } from '../config/types.ts';
import { badRequest, GatewayError } from '../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import type { FallbackKind } from './fallbacks.ts';
import type { ClientHeaders } from './record.ts';

/** One kind of client-side fallback list: plain groups, and LiteLLM's `{ group: [groups] }` entries. */
interface FallbackList {
  groups: string[];
  byGroup: Record<string, string[]>;
}

export interface RequestRouting {
  /** Retries of a retryable failure where the deployment sets none (`num_retries`). */
  numRetries?: number;
  /** Each call's timeout in seconds: `x-litellm-timeout`, else the body's `timeout`. */
  timeoutSeconds?: number;
  /** Client-side fallbacks: for this request they replace the configured list of their kind. */
  fallbacks: Partial<Record<FallbackKind, FallbackList>>;
  /** What a fallback group's call takes instead of the client's (`{"model": g, "messages": […]}`). */
  overrides: Map<string, JsonObject>;
  disableFallbacks: boolean;
  /** Testing switches: the requested group fails at once (so fallbacks run), as LiteLLM's Router does. */
  mockFailure?: FallbackKind;
  /** The requested group's first call answers 429, so the retries run. */
  mockRateLimit: boolean;
  /** Every call to the requested group times out (after waiting its timeout). */
  mockTimeout: boolean;
}

/** Which switch makes the requested group fail with which kind of error. Both spellings of the context one
 * are LiteLLM's: its code reads `mock_testing_context_fallbacks`, its docs say `…_window_fallbacks`. */
const FAILURE_SWITCHES: Array<[string, FallbackKind]> = [
  ['mock_testing_fallbacks', 'general'],
  ['mock_testing_context_fallbacks', 'contextWindow'],
  ['mock_testing_context_window_fallbacks', 'contextWindow'],
  ['mock_testing_content_policy_fallbacks', 'contentPolicy'],
];

const LIST_FIELDS: Array<[string, FallbackKind]> = [
  ['fallbacks', 'general'],
  ['context_window_fallbacks', 'contextWindow'],
  ['content_policy_fallbacks', 'contentPolicy'],
];

/** Reads the controls, or throws a 400 naming the field a client got wrong. */
export function requestRouting(body: JsonObject, headers: ClientHeaders): RequestRouting {
  const routing: RequestRouting = {
    fallbacks: {},
    overrides: new Map(),
    disableFallbacks: flag(body, 'disable_fallbacks'),
    mockRateLimit: flag(body, 'mock_testing_rate_limit_error'),
    mockTimeout: flag(body, 'mock_timeout'),
  };
  if (body.num_retries !== undefined && body.num_retries !== null) {
    const n = Number(body.num_retries);
    if (!Number.isInteger(n) || n < 0)
      throw badRequest('num_retries must be a whole number ≥ 0', 'num_retries');
    routing.numRetries = n;
  }
  const header = headers['x-litellm-timeout'];
  const timeout = typeof header === 'string' ? header : body.timeout;
  if (timeout !== undefined && timeout !== null) {
    const seconds = Number(timeout);
    if (
      !(seconds > 0) ||
      !Number.isFinite(seconds) ||
      (typeof timeout !== 'number' && typeof timeout !== 'string')
    )
      throw badRequest('timeout must be a number of seconds > 0', 'timeout');
    routing.timeoutSeconds = seconds;
  }
  for (const [field, kind] of LIST_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null)
      routing.fallbacks[kind] = fallbackList(field, value, routing.overrides);
  }
  routing.mockFailure = FAILURE_SWITCHES.find(([name]) => flag(body, name))?.[1];
  return routing;
}

/** The fallback settings for `group` in this request: a client-side list replaces the configured one. */
export function effectiveFallbacks(config: Fallbacks, group: string, routing: RequestRouting): Fallbacks {
  const own = (list: FallbackList) => [...list.groups, ...(list.byGroup[group] ?? list.byGroup['*'] ?? [])];
  const { general, contextWindow, contentPolicy } = routing.fallbacks;
  return {
    general: general ? { [group]: own(general) } : config.general,
    // A client's own general list is the whole list: the configured default no longer applies.
    default: general ? [] : config.default,
    contextWindow: contextWindow ? { [group]: own(contextWindow) } : config.contextWindow,
    contentPolicy: contentPolicy ? { [group]: own(contentPolicy) } : config.contentPolicy,
  };
}

/** The error a `mock_testing_*_fallbacks` switch stands for, shaped as the real upstream failure is. */
export function mockFailureError(kind: FallbackKind, group: string): GatewayError {
  const why = `This is a mock exception for model=${group}, to trigger a fallback`;
  if (kind === 'contextWindow')
    return new GatewayError(`${why} (context window exceeded)`, {
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
    });
  if (kind === 'contentPolicy')
    return new GatewayError(`${why} (content policy violation)`, {
      status: 400,
      type: 'invalid_request_error',
      code: 'content_policy_violation',
    });
  return new GatewayError(why, { status: 500, type: 'api_error', code: 'mock_testing_fallbacks' });
}

/** The 429 of `mock_testing_rate_limit_error`: retryable, as an upstream's would be. */
export function mockRateLimitError(group: string): GatewayError {
  return new GatewayError(`This is a mock exception for model=${group}, to trigger a rate limit error`, {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
  });
}

/** The gateway's own upstream timeout (504), which `mock_timeout` produces without a call. */
export function mockTimeoutError(): GatewayError {
  return new GatewayError('The upstream at mock did not answer in time (mock_timeout)', {
    status: 504,
    type: 'timeout_error',
    code: 'upstream_timeout',
    retryable: true,
  });
}

/**
 * Seconds as LiteLLM's header shows them (Python's `str(float)`): `1.0`, `0.001`, `600.0`.
 */
export function pythonSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (Number.isInteger(seconds) && Math.abs(seconds) < 1e16) return `${seconds}.0`;
  // Python switches to exponents below 1e-4 (`1e-05`); JavaScript only below 1e-6.
  if (Math.abs(seconds) < 1e-4) {
    const [mantissa, exponent = '0'] = seconds.toExponential().split('e');
    const power = Number(exponent);
    return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  return String(seconds);
}

/** LiteLLM reads these switches as booleans or as the strings `"true"`/`"false"` (form fields, headers). */
function flag(body: JsonObject, name: string): boolean {
  const value = body[name];
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function fallbackList(field: string, value: unknown, overrides: Map<string, JsonObject>): FallbackList {
  if (!Array.isArray(value)) throw badRequest(`${field} must be a list of model groups`, field);
  const list: FallbackList = { groups: [], byGroup: {} };
  for (const item of value) {
    if (typeof item === 'string' && item !== '') {
      list.groups.push(item);
      continue;
    }
    if (isJsonObject(item) && typeof item.model === 'string' && item.model !== '') {
      // `{ "model": g, …params }`: group g, called with these parameters instead of the client's.
      const { model, ...params } = item;
      list.groups.push(model);
      if (Object.keys(params).length > 0) overrides.set(model, params);
      continue;
    }
    const entries = isJsonObject(item) ? Object.entries(item) : [];
    const [group, groups] = entries[0] ?? [];
    if (
      entries.length === 1 &&
      group !== undefined &&
      Array.isArray(groups) &&
      groups.every((g) => typeof g === 'string')
    ) {
      list.byGroup[group] = groups;
      continue;
    }
    throw badRequest(
      `${field}: each entry is a model group, {"model": group, …parameters}, or {group: [groups]}`,
      field,
    );
  }
  return list;
}
