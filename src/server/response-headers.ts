/**
 * The `x-tollgate-*` headers, and the same under LiteLLM's `x-litellm-*` names, which LiteLLM users'
 * clients and tests read; with a virtual key, the key's spend and limits as LiteLLM reports them.
 */
import { type RequestRecord, upstreamMs } from '../gateway/record.ts';
import { pythonSeconds } from '../gateway/request-options.ts';

export function tollgateHeaders(record: RequestRecord): Record<string, string> {
  const elapsed = performance.now() - record.startedPerf;
  const facts: Record<string, string> = {
    'call-id': record.callId,
    'response-duration-ms': elapsed.toFixed(3),
    'overhead-duration-ms': Math.max(0, elapsed - upstreamMs(record)).toFixed(3),
    'attempted-retries': String(Math.max(0, record.attempts.length - 1 - record.attemptedFallbacks)),
    'attempted-fallbacks': String(record.attemptedFallbacks + (record.unknownFallbacks?.length ?? 0)),
  };
  if (record.cost !== undefined) facts['response-cost'] = String(record.cost.total);
  if (record.modelGroup !== undefined) facts['model-group'] = record.modelGroup;
  if (record.deployment !== undefined) facts['model-id'] = record.deployment.id;
  // The answering deployment's `region_name`: the end user's allowed region when one applied.
  if (record.deployment?.regionName !== undefined) facts['model-region'] = record.deployment.regionName;
  const last = record.attempts.at(-1);
  if (last !== undefined) facts['model-api-base'] = last.apiBase;
  // LiteLLM's: the timeout the last call was given, in seconds as it prints them ("1.0", "0.001").
  if (last?.timeoutMs !== undefined) facts.timeout = pythonSeconds(last.timeoutMs);
  // Once a call failed: the retry budget that applied to it (LiteLLM sends it once retries ran).
  if (record.maxRetries !== undefined) facts['max-retries'] = String(record.maxRetries);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(facts)) {
    headers[`x-tollgate-${name}`] = value;
    headers[`x-litellm-${name}`] = value;
  }
  const caller = record.caller;
  if (caller !== undefined) {
    if (caller.keySpend !== undefined) headers['x-litellm-key-spend'] = String(caller.keySpend);
    if (caller.maxBudget !== undefined) headers['x-litellm-key-max-budget'] = String(caller.maxBudget);
    if (caller.rpmLimit !== undefined) headers['x-litellm-key-rpm-limit'] = String(caller.rpmLimit);
    if (caller.tpmLimit !== undefined) headers['x-litellm-key-tpm-limit'] = String(caller.tpmLimit);
  }
  return headers;
}
