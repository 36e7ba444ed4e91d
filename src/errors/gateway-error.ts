/**
 * The one error class of the gateway. Everything that can go wrong for a client becomes one of these,
 * and `server/error-handler.ts` is the only place that turns it into OpenAI's error JSON.
 */
import { redactKeys } from './redact.ts';

export interface GatewayErrorOptions {
  status: number;
  /** OpenAI's `error.type`, e.g. `invalid_request_error`. */
  type: string;
  code?: string | null;
  param?: string | null;
  /** Whether trying again (same or another deployment) may succeed: 408, 409, 429, 5xx, network. */
  retryable?: boolean;
  /** The upstream's parsed error body, when the error came from a provider. */
  upstreamBody?: unknown;
  /** Seconds the upstream asked us to wait (`Retry-After`). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly upstreamBody: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: GatewayErrorOptions) {
    // Messages reach clients, spans and logs; upstreams put keys in theirs.
    super(redactKeys(message), { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? isRetryableStatus(options.status);
    this.upstreamBody = options.upstreamBody;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** OpenAI's error body: `{ error: { message, type, param, code } }`. */
  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Statuses worth another try, as OpenAI's own SDKs decide it. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(message, { status: 400, type: 'invalid_request_error', param, code });

/** A client that went away: nobody is left to answer, so this is never retried. */
export function clientClosed(): GatewayError {
  return new GatewayError('The client closed the request', {
    status: 499,
    type: 'client_closed_request',
    retryable: false,
  });
}
