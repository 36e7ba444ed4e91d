/** Reads OpenAI's `usage` object (chat, completions, embeddings) into the canonical Usage. */
import type { Usage } from '../spec.ts';

export function readUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  if (prompt === undefined) return undefined;
  const completion = num(u.completion_tokens) ?? num(u.output_tokens) ?? 0;
  const usage: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: num(u.total_tokens) ?? prompt + completion,
  };
  const cached = num(detail(u.prompt_tokens_details, 'cached_tokens'));
  if (cached !== undefined) usage.cachedTokens = cached;
  // Anthropic's cache counters, as LiteLLM reports them next to OpenAI's fields.
  const written = num(u.cache_creation_input_tokens);
  if (written !== undefined) usage.cacheWriteTokens = written;
  const reasoning = num(detail(u.completion_tokens_details, 'reasoning_tokens'));
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

function detail(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A rerank answer's tokens, where the host counts them: OpenAI's fields (Together AI), `total_tokens`
 * alone (vLLM: all of it is input), or Cohere's `meta.tokens` / `meta.billed_units`. Cohere's
 * `search_units` count searches, not tokens, and are left out.
 */
export function readRerankUsage(json: Record<string, unknown>): Usage | undefined {
  const reported = readUsage(json.usage);
  if (reported !== undefined) return reported;
  const total = num(detail(json.usage, 'total_tokens'));
  if (total !== undefined) return { promptTokens: total, completionTokens: 0, totalTokens: total };
  const meta = json.meta;
  return readUsage(detail(meta, 'tokens')) ?? readUsage(detail(meta, 'billed_units'));
}
