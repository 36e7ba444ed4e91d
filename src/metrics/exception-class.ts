/**
 * The `exception_class` label: the name of the exception LiteLLM would have raised for an error, as its
 * Prometheus metrics show it — the provider, capitalised, then the class (`Openai.RateLimitError`) for an
 * upstream's error; the class alone for one the gateway raised itself (`BudgetExceededError`). A bounded
 * set of values: derived from the status and a few error codes, never from a message.
 */
import type { GatewayError } from '../errors/gateway-error.ts';

const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  408: 'Timeout',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
  504: 'Timeout',
};

/** The class alone: `RateLimitError`, `ContextWindowExceededError`, … */
export function exceptionName(error: GatewayError): string {
  const code = (error.code ?? '').toLowerCase();
  if (error.type === 'budget_exceeded') return 'BudgetExceededError';
  if (code === 'context_length_exceeded') return 'ContextWindowExceededError';
  if (code === 'content_policy_violation' || code === 'content_filter') return 'ContentPolicyViolationError';
  if (error.status === 0) return 'APIConnectionError';
  return BY_STATUS[error.status] ?? (error.status >= 500 ? 'APIError' : 'BadRequestError');
}

/** `provider`: the provider that answered with the error; unset for the gateway's own errors. */
export function exceptionClass(error: GatewayError, provider: string | undefined): string {
  const name = exceptionName(error);
  if (provider === undefined || provider === '') return name;
  return `${provider.charAt(0).toUpperCase()}${provider.slice(1)}.${name}`;
}
