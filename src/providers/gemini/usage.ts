/** Gemini's `usageMetadata` as the gateway's Usage. */
import type { Usage } from '../spec.ts';
import type { GeminiUsageMetadata } from './types.ts';

/** Thinking tokens are billed as output, and OpenAI counts reasoning inside completion_tokens: so do we. */
export function geminiUsage(meta: GeminiUsageMetadata | undefined): Usage | undefined {
  if (meta === undefined) return undefined;
  const prompt = meta.promptTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  const usage: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: meta.totalTokenCount ?? prompt + completion,
  };
  // promptTokenCount already includes the cached part, as OpenAI's prompt_tokens does.
  if (meta.cachedContentTokenCount !== undefined) usage.cachedTokens = meta.cachedContentTokenCount;
  if (meta.thoughtsTokenCount !== undefined) usage.reasoningTokens = meta.thoughtsTokenCount;
  return usage;
}
