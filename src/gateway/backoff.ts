/** How long to wait before retrying: jittered exponential backoff that honours `Retry-After`. */
const BASE_MS = 500;
const CAP_MS = 8_000;
/** A `Retry-After` beyond this is not worth holding the client for; the caller gives up instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

export function backoffMs(
  retry: number,
  retryAfterSeconds: number | undefined,
  random = Math.random,
): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** (retry - 1));
  // "Equal jitter": at least half the ceiling, so retries never stampede at zero delay.
  return ceiling / 2 + random() * (ceiling / 2);
}
