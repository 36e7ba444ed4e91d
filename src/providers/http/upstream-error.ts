/** Turns what went wrong talking to an upstream into a GatewayError a client can act on. */
import { clientClosed, GatewayError } from '../../errors/gateway-error.ts';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Network-level failures: timeouts are 504, anything that kept us from an answer is 502. */
export function networkError(err: unknown, origin: string, signal: AbortSignal): GatewayError {
  if (err instanceof GatewayError) return err;
  if (signal.aborted) return clientClosed();
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new GatewayError(`The upstream at ${origin} did not answer in time`, {
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      retryable: true,
      cause: err,
    });
  }
  const detail = code ?? (err instanceof Error ? err.message : 'unknown error');
  return new GatewayError(`Could not reach the upstream at ${origin} (${detail})`, {
    status: 502,
    type: 'api_connection_error',
    code: 'upstream_unreachable',
    retryable: true,
    cause: err,
  });
}

/** An upstream's HTTP error answer, its status and message passed through to the client. */
export function upstreamHttpError(
  status: number,
  text: string,
  headers: Record<string, string>,
): GatewayError {
  const parsed = parseErrorBody(text);
  const message = parsed.message ?? (text.trim().slice(0, 500) || `Upstream answered HTTP ${status}`);
  return new GatewayError(message, {
    status,
    type: parsed.type ?? defaultType(status),
    code: parsed.code ?? null,
    param: parsed.param ?? null,
    upstreamBody: parsed.body,
    retryAfterSeconds: retryAfter(headers),
  });
}

/**
 * A JSON answer whose body broke off (or stalled) after its headers. Nothing reached the client yet,
 * so, like a dropped connection, it is retryable.
 */
export function cutAnswerError(err: unknown, origin: string, signal: AbortSignal): GatewayError {
  return brokeOff(err, origin, signal, { failed: 'broke off', where: 'its answer', retryable: true });
}

/** A stream that broke after it started: the client gets this as the last event. */
export function midStreamError(err: unknown, origin: string, signal: AbortSignal): GatewayError {
  return brokeOff(err, origin, signal, {
    failed: 'failed',
    where: 'the stream',
    retryable: false,
    code: 'upstream_stream_error',
  });
}

interface BrokeOff {
  failed: string;
  where: string;
  retryable: boolean;
  code?: string;
}

/** An answer that started and then stopped: a timeout says "stopped sending", anything else `failed`. */
function brokeOff(err: unknown, origin: string, signal: AbortSignal, how: BrokeOff): GatewayError {
  const base = networkError(err, origin, signal);
  if (base.status === 499) return base;
  const what = base.status === 504 ? 'stopped sending' : how.failed;
  return new GatewayError(`The upstream at ${origin} ${what} in the middle of ${how.where}`, {
    status: base.status,
    type: base.type,
    code: how.code ?? base.code,
    retryable: how.retryable,
    cause: err,
  });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}

interface ParsedError {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
  body?: unknown;
}

function parseErrorBody(text: string): ParsedError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const err = (body as { error?: unknown } | null)?.error ?? body;
  if (typeof err === 'string') return { message: err, body };
  if (typeof err !== 'object' || err === null) return { body };
  const e = err as Record<string, unknown>;
  return {
    message: typeof e.message === 'string' ? e.message : undefined,
    type: typeof e.type === 'string' ? e.type : undefined,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : undefined,
    param: typeof e.param === 'string' ? e.param : undefined,
    body,
  };
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Record<string, string>): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
