/**
 * Usage as reported by an upstream is input like any other: a negative, fractional-infinite or absurd
 * count would make the price table throw (a 500 after a successful call), turn the span's counters into
 * text ("Infinity") and poison the deployment's tpm accounting. A report with any such count is not
 * believed: the request is treated as one whose upstream reported no usage.
 */
import type { Usage } from '../providers/spec.ts';

/** Far above any real request (the largest context windows are a few million tokens). */
export const MAX_TOKENS = 1_000_000_000;

const believable = (n: number | undefined) =>
  n === undefined || (Number.isFinite(n) && n >= 0 && n <= MAX_TOKENS);

export function checkedUsage(usage: Usage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const counts = [
    usage.promptTokens,
    usage.completionTokens,
    usage.totalTokens,
    usage.cachedTokens,
    usage.cacheWriteTokens,
    usage.reasoningTokens,
  ];
  return counts.every(believable) ? usage : undefined;
}
