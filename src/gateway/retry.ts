/**
 * The retry policy around single attempts, in the shape of OpenTelemetry JS's RetryingTransport: try,
 * and on a retryable failure wait (jittered backoff, or what `Retry-After` asks) and try again —
 * bounded by a count and by the request's deadline. A wait that would cross the deadline ends the
 * retries at once with the upstream's error, instead of holding the client for an answer that could
 * only come too late.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { backoffMs, MAX_RETRY_AFTER_MS } from './backoff.ts';

/** What one attempt came to. A failure names its deployment when a call was made (not when routing failed). */
export type AttemptResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: GatewayError; deployment?: Deployment };

export interface RetryPolicy {
  /** How many retries a failure of this deployment allows (`max_retries`, else `num_retries`). */
  retries(deployment: Deployment): number;
  /** performance.now() time by which the request must be over: no wait may end past it. */
  deadline: number;
  /** The request's: once aborted, nothing more is tried. */
  signal: AbortSignal;
  /** Told of each retry before its wait. */
  onRetry?(failure: { error: GatewayError; deployment: Deployment }, attempt: number, waitMs: number): void;
}

/** Runs `attempt` until it succeeds or the policy says stop; returns the last result. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (retryDelayMs: number | undefined) => Promise<AttemptResult<T>>,
): Promise<AttemptResult<T>> {
  let delay: number | undefined;
  for (let n = 1; ; n++) {
    const result = await attempt(delay);
    if (result.ok || result.deployment === undefined) return result;
    const wait = retryWait(result.error, n, policy.retries(result.deployment));
    if (wait === undefined || policy.signal.aborted) return result;
    if (performance.now() + wait >= policy.deadline) return result;
    policy.onRetry?.({ error: result.error, deployment: result.deployment }, n, wait);
    try {
      await sleep(wait, undefined, { signal: policy.signal });
    } catch {
      // Aborted mid-wait: the caller sees the abort on the request's signal and says why.
      return result;
    }
    delay = wait;
  }
}

/** How long to wait before the next attempt, or undefined when this failure is final. */
function retryWait(error: GatewayError, attempt: number, retries: number): number | undefined {
  if (!error.retryable || attempt > retries) return undefined;
  const retryAfter = error.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter * 1000 > MAX_RETRY_AFTER_MS) return undefined;
  return backoffMs(attempt, retryAfter);
}
