/**
 * Refusals of a virtual key's request, with LiteLLM's error types and statuses, which its users'
 * clients and dashboards match on.
 */
import { GatewayError } from '../errors/gateway-error.ts';

export function authError(message: string, status = 401): GatewayError {
  return new GatewayError(`Authentication Error, ${message}`, {
    status,
    type: 'auth_error',
    code: String(status),
  });
}

export function expiredKey(expires: string, now: Date): GatewayError {
  return new GatewayError(
    `Authentication Error - Expired Key. Key Expiry time ${expires} and current time ${now.toISOString()}`,
    { status: 400, type: 'expired_key', code: '400', param: 'api_key' },
  );
}

export type AccessDenied = 'key' | 'team' | 'user' | 'org';

export function modelAccessDenied(
  who: AccessDenied,
  model: string,
  allowed: readonly string[],
): GatewayError {
  // LiteLLM's wording (`key not allowed to access model. …`): clients and its tests match on it.
  return new GatewayError(
    `${who} not allowed to access model. This ${who} can only access models=${JSON.stringify(allowed)}. Tried to access ${model}`,
    { status: 401, type: `${who}_model_access_denied`, code: '401', param: 'model' },
  );
}

export function budgetExceeded(who: string, spend: number, maxBudget: number): GatewayError {
  return new GatewayError(
    `Budget has been exceeded! ${who} Current cost: ${spend}, Max budget: ${maxBudget}`,
    { status: 400, type: 'budget_exceeded', code: '400', retryable: false },
  );
}

export function limitReached(what: string, retryAfterSeconds: number): GatewayError {
  return new GatewayError(`Rate limit reached: ${what}`, {
    status: 429,
    type: 'rate_limit_error',
    code: '429',
    retryable: false,
    retryAfterSeconds,
  });
}

export function blocked(what: string, status = 401): GatewayError {
  return authError(`${what} is blocked. Update via /key/unblock or /team/unblock if you're admin.`, status);
}

/**
 * The accounts database could not be read: the request is refused (a key that cannot be checked is not
 * let through), as a 503 the client may retry, never as a 500.
 */
export function noDatabase(cause: unknown): GatewayError {
  return new GatewayError(
    'The gateway could not check this key: its accounts database is unavailable. Try again shortly.',
    { status: 503, type: 'no_db_connection', code: '503', cause },
  );
}

/** `err` as it reaches a client: a refusal as it is, anything else (a database error) as `noDatabase`. */
export function asRefusal(err: unknown): GatewayError {
  return err instanceof GatewayError ? err : noDatabase(err);
}
