/** Anthropic's usage counters and stop reasons in OpenAI's terms, for whole answers and streams alike. */

import type { JsonObject } from '../../shared/json.ts';
import type { Usage } from '../spec.ts';
import { finiteNumber } from './json.ts';

/**
 * Anthropic counts cache reads and cache writes apart from `input_tokens`; OpenAI's prompt tokens
 * include cached ones, so all three are added up and the cache counters kept as details.
 */
export function anthropicUsage(u: JsonObject): Usage {
  const read = finiteNumber(u.cache_read_input_tokens);
  const written = finiteNumber(u.cache_creation_input_tokens);
  const prompt = (finiteNumber(u.input_tokens) ?? 0) + (read ?? 0) + (written ?? 0);
  const completion = finiteNumber(u.output_tokens) ?? 0;
  const usage: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
  };
  if (read !== undefined) usage.cachedTokens = read;
  if (written !== undefined) usage.cacheWriteTokens = written;
  return usage;
}

/**
 * Anthropic's `stop_reason` → OpenAI's `finish_reason`. The first stop reason listed for a finish reason
 * is its canonical one: the Messages dialect reads this table backwards to answer clients in
 * Anthropic's terms.
 */
export const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A server tool paused a long turn; to an OpenAI client the answer so far is a finished one.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** OpenAI's `finish_reason` for Anthropic's `stop_reason`; an unknown one is passed on as it is. */
export function finishReason(stopReason: unknown): string | null {
  if (typeof stopReason !== 'string') return null;
  return FINISH_REASONS[stopReason] ?? stopReason;
}
