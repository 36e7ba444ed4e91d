/**
 * OpenAI's response shapes, built from canonical parts, for adapters whose upstream speaks another
 * dialect: one place decides what a translated answer looks like to the client.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../shared/json.ts';
import type { Usage } from '../spec.ts';

/** An id in OpenAI's style, as LiteLLM gives translated answers. */
export const completionId = (): string => `chatcmpl-${randomUUID()}`;

/** Seconds since the epoch, OpenAI's `created`. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** OpenAI's `usage` object, with the cache and reasoning details the upstream reported. */
export function openAiUsage(usage: Usage): JsonObject {
  const out: JsonObject = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
  if (usage.cachedTokens !== undefined || usage.cacheWriteTokens !== undefined)
    out.prompt_tokens_details = { cached_tokens: usage.cachedTokens ?? 0 };
  if (usage.reasoningTokens !== undefined)
    out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  // LiteLLM's names for Anthropic's cache counters, which clients moving from it read.
  if (usage.cacheWriteTokens !== undefined) out.cache_creation_input_tokens = usage.cacheWriteTokens;
  if (usage.cachedTokens !== undefined && usage.cacheWriteTokens !== undefined)
    out.cache_read_input_tokens = usage.cachedTokens;
  return out;
}

export interface ChatAnswer {
  id: string;
  model: string;
  created: number;
  /** The assistant message: `content` (string or null), `tool_calls`, `reasoning_content`. */
  message: JsonObject;
  finishReason: string | null;
  usage?: Usage;
}

/** One choice of a `chat.completion`: upstreams that answer several (`n`) build one per answer. */
export function chatChoice(index: number, message: JsonObject, finishReason: string | null): JsonObject {
  return { index, message: { role: 'assistant', ...message }, finish_reason: finishReason };
}

/** A `chat.completion` with one choice. */
export function chatCompletion(a: ChatAnswer): JsonObject {
  const body: JsonObject = {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [chatChoice(0, a.message, a.finishReason)],
  };
  if (a.usage) body.usage = openAiUsage(a.usage);
  return body;
}

/** What every chunk of one stream shares. */
export interface ChunkHeader {
  id: string;
  model: string;
  created: number;
}

/**
 * A `chat.completion.chunk` with one choice's delta (and its finish reason, on the last one); `index`
 * tells the choices of an `n` > 1 stream apart.
 */
export function chunk(
  h: ChunkHeader,
  delta: JsonObject,
  finishReason: string | null = null,
  index = 0,
): JsonObject {
  return {
    id: h.id,
    object: 'chat.completion.chunk',
    created: h.created,
    model: h.model,
    choices: [{ index, delta, finish_reason: finishReason }],
  };
}

/** The last chunk of a stream asked for `stream_options.include_usage`: no choices, only usage. */
export function usageChunk(h: ChunkHeader, usage: Usage): JsonObject {
  return {
    id: h.id,
    object: 'chat.completion.chunk',
    created: h.created,
    model: h.model,
    choices: [],
    usage: openAiUsage(usage),
  };
}
