/**
 * Anthropic's `Message` and its content blocks, as the whole answer and the stream both build them.
 * Every field the SDK's types require is present (null where the gateway has nothing to say), so a
 * typed client reading `container` or `stop_details` finds null rather than undefined.
 */
import { randomBytes } from 'node:crypto';
import { FINISH_REASONS } from '../../providers/anthropic/usage.ts';
import type { Usage } from '../../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { invert } from './invert.ts';

/** An id in Anthropic's style: a prefix and 24 random base62-looking characters. */
function randomId(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export const messageId = (): string => randomId('msg_');
export const toolUseId = (): string => randomId('toolu_');

/** Chat's finish reason → Anthropic's stop reason, read backwards from the provider's table. */
const STOP_REASONS = invert(FINISH_REASONS);

/**
 * Anthropic's `stop_reason` for chat's `finish_reason`. Some OpenAI-compatible servers end a turn that
 * called tools with `stop`; Anthropic clients run tools only on `tool_use`, so an answer holding tool
 * calls stops with `tool_use` unless it was cut short. `tool_use` without any tool_use block would
 * leave such a client waiting for calls that never came, so it becomes `end_turn`.
 */
export function stopReason(finish: string | null | undefined, hasToolUse: boolean): string {
  const reason = typeof finish === 'string' ? STOP_REASONS.get(finish) : undefined;
  if (reason === 'max_tokens' || reason === 'refusal') return reason;
  return hasToolUse ? 'tool_use' : 'end_turn';
}

/** The counters `message_delta` carries (Anthropic's MessageDeltaUsage). */
export function deltaUsage(usage: Usage | undefined): JsonObject {
  const read = usage?.cachedTokens ?? 0;
  const written = usage?.cacheWriteTokens ?? 0;
  // Chat's prompt tokens include the cached ones; Anthropic counts them apart from input_tokens.
  const input = Math.max(0, (usage?.promptTokens ?? 0) - read - written);
  return {
    input_tokens: input,
    output_tokens: usage?.completionTokens ?? 0,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    output_tokens_details:
      usage?.reasoningTokens === undefined ? null : { thinking_tokens: usage.reasoningTokens },
    server_tool_use: null,
  };
}

/** A whole Message's `usage`. */
export function messageUsage(usage: Usage | undefined): JsonObject {
  return {
    ...deltaUsage(usage),
    cache_creation: null,
    inference_geo: null,
    service_tier: null,
    speed: null,
  };
}

export interface MessageParts {
  id: string;
  model: string;
  content: JsonObject[];
  stopReason: string | null;
  usage: Usage | undefined;
}

export function message(p: MessageParts): JsonObject {
  return {
    id: p.id,
    type: 'message',
    role: 'assistant',
    model: p.model,
    content: p.content,
    stop_reason: p.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: messageUsage(p.usage),
  };
}

/** The model the client asked for: Anthropic answers with the name it was sent. */
export function requestedModel(request: JsonObject, fallback: unknown): string {
  if (typeof request.model === 'string') return request.model;
  return typeof fallback === 'string' ? fallback : '';
}

export const textBlock = (text: string): JsonObject => ({ type: 'text', text, citations: null });

/** No signature: it is Anthropic's proof that Claude wrote the thinking, which no other model has. */
export const thinkingBlock = (thinking: string): JsonObject => ({
  type: 'thinking',
  thinking,
  signature: '',
});

export function toolUseBlock(id: string, name: string, input: unknown): JsonObject {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
}

/**
 * A tool call's arguments as the `input` object. Arguments that are not a JSON object (a model that
 * wrote broken JSON, or an upstream cut mid-call) become `{}`: Anthropic's `input` is always an
 * object, and clients index into it.
 */
export function toolInput(args: unknown): JsonObject {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isJsonObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
