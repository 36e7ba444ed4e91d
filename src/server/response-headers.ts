/** The `x-tollgate-*` headers: what LiteLLM users read from `x-litellm-*`, under our own prefix. */
import { type RequestRecord, upstreamMs } from '../gateway/record.ts';

export function tollgateHeaders(record: RequestRecord): Record<string, string> {
  const elapsed = performance.now() - record.startedPerf;
  const headers: Record<string, string> = {
    'x-tollgate-call-id': record.callId,
    'x-tollgate-response-duration-ms': elapsed.toFixed(3),
    'x-tollgate-overhead-duration-ms': Math.max(0, elapsed - upstreamMs(record)).toFixed(3),
    'x-tollgate-attempted-retries': String(
      Math.max(0, record.attempts.length - 1 - record.attemptedFallbacks),
    ),
    'x-tollgate-attempted-fallbacks': String(record.attemptedFallbacks),
  };
  if (record.cost !== undefined) headers['x-tollgate-response-cost'] = String(record.cost.total);
  if (record.modelGroup !== undefined) headers['x-tollgate-model-group'] = record.modelGroup;
  if (record.deployment !== undefined) headers['x-tollgate-model-id'] = record.deployment.id;
  const last = record.attempts.at(-1);
  if (last !== undefined) headers['x-tollgate-model-api-base'] = last.apiBase;
  return headers;
}
