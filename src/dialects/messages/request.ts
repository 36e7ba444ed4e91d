/**
 * A Messages API request as a chat completions body, for upstreams that do not speak Anthropic's API.
 *
 * Dropped, because chat has no equivalent and the answer does not depend on them: `service_tier`,
 * `speed`, `inference_geo`, `container`, `context_management`, `mcp_servers` (Anthropic connects to
 * those servers itself), `cache_control` (top-level and on blocks: chat upstreams cache on their own),
 * `diagnostics`, `user_profile_id`, `workspace_id`, and `metadata` other than `user_id`. Unknown fields
 * are ignored as well, so a client newer than this translation still gets an answer.
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../../providers/anthropic/json.ts';
import type { JsonObject } from '../../shared/json.ts';
import { chatMessages } from './conversation.ts';
import { chatToolChoice, chatTools } from './tools.ts';

export function toChat(body: JsonObject): JsonObject {
  if (typeof body.model !== 'string' || body.model === '')
    throw badRequest('model must be a string', 'model');
  const out: JsonObject = { model: body.model, messages: chatMessages(body.system, body.messages) };
  out.max_tokens = maxTokens(body.max_tokens);
  for (const key of ['temperature', 'top_p', 'top_k'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw badRequest(`${key} must be a number`, key);
    out[key] = value;
  }
  const stop = stopSequences(body.stop_sequences);
  if (stop !== undefined) out.stop = stop;
  const tools = chatTools(body.tools, body.model);
  const choice = chatToolChoice(body.tool_choice);
  // Chat servers refuse tool_choice and parallel_tool_calls without tools; with none there is no choice.
  if (tools.length > 0) Object.assign(out, { tools }, choice);
  const user = userId(body.metadata);
  if (user !== undefined) out.user = user;
  const effort = outputEffort(body.output_config) ?? thinkingEffort(body.thinking);
  if (effort !== undefined) out.reasoning_effort = effort;
  const format = responseFormat(body.output_config);
  if (format !== undefined) out.response_format = format;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    throw badRequest('stream must be a boolean', 'stream');
  if (body.stream === true) Object.assign(out, { stream: true, stream_options: { include_usage: true } });
  if (body.mock_response !== undefined) out.mock_response = body.mock_response;
  return out;
}

/** Required, as Anthropic requires it. (Anthropic's 0, to warm its prompt cache, means nothing here.) */
function maxTokens(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw badRequest('max_tokens must be a positive integer', 'max_tokens');
  return value;
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string'))
    throw badRequest('stop_sequences must be a list of strings', 'stop_sequences');
  return value.length > 0 ? value : undefined;
}

function userId(metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isObject(metadata)) throw badRequest('metadata must be an object', 'metadata');
  const id = metadata.user_id;
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string') throw badRequest('metadata.user_id must be a string', 'metadata.user_id');
  return id;
}

/**
 * Extended thinking's token budget as chat's reasoning effort. The bounds sit where Anthropic's clients
 * put their levels: Claude Code's "think" asks 4,000 tokens (low), "think hard" 10,000 (medium) and
 * "ultrathink" 31,999 (high); the minimum budget, 1,024, is low.
 *   budget < 4,096 → low;  4,096 ≤ budget < 16,384 → medium;  16,384 ≤ budget → high.
 * Disabled and adaptive thinking (the model decides) send no effort: the upstream's default holds.
 */
function thinkingEffort(thinking: unknown): string | undefined {
  if (thinking === undefined || thinking === null) return undefined;
  if (!isObject(thinking)) throw badRequest('thinking must be an object', 'thinking');
  if (thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1)
    throw badRequest('thinking.budget_tokens must be a positive integer', 'thinking.budget_tokens');
  if (budget < 4096) return 'low';
  return budget < 16384 ? 'medium' : 'high';
}

/** Anthropic's effort levels past `high` have no chat equivalent every upstream takes; they ask `high`. */
const EFFORTS: Readonly<Record<string, string>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

function outputConfig(config: unknown): JsonObject {
  if (config === undefined || config === null) return {};
  if (!isObject(config)) throw badRequest('output_config must be an object', 'output_config');
  return config;
}

/** `output_config.effort`, which says the same as a thinking budget more directly, and wins over it. */
function outputEffort(config: unknown): string | undefined {
  const effort = outputConfig(config).effort;
  if (effort === undefined || effort === null) return undefined;
  const out = typeof effort === 'string' ? EFFORTS[effort] : undefined;
  if (out === undefined)
    throw badRequest(
      'output_config.effort must be one of low, medium, high, xhigh, max',
      'output_config.effort',
    );
  return out;
}

/**
 * Structured output. Not `strict`: OpenAI's strict mode refuses schemas Anthropic takes (optional
 * properties, open objects), and a schema followed loosely is better than a refused request.
 */
function responseFormat(config: unknown): JsonObject | undefined {
  const format = outputConfig(config).format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format) || format.type !== 'json_schema' || !isObject(format.schema))
    throw badRequest(
      'output_config.format must be {type: "json_schema", schema: {...}}',
      'output_config.format',
    );
  return { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
}
