/**
 * A Responses API request as a chat completions body, for providers that only speak chat.
 *
 * Not sent to chat, on purpose: `store`, `previous_response_id` and `metadata` (the gateway keeps
 * responses and expands `previous_response_id` itself, before this runs; one still here is ignored),
 * `include` (e.g. `reasoning.encrypted_content`: there is none to give), `client_metadata`,
 * `truncation`, `prompt_cache_key`, `stream_options`, `max_tool_calls` and `reasoning.summary`
 * (nothing in chat means the same). `background`, `prompt` and `conversation` need state that lives
 * at OpenAI: refused.
 *
 * Tools: function and custom tools, and the tools inside namespace tools, go to chat as functions;
 * hosted tools (web search, file search, code interpreter, computer use, MCP, shells, apply patch, …)
 * are left out, since chat cannot run them, and a `tool_choice` naming one is refused (`tools.ts`).
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { chatMessages } from './input.ts';
import { ToolNames } from './tool-names.ts';
import { chatToolChoice, chatTools } from './tools.ts';

export function toChat(body: JsonObject): JsonObject {
  if (typeof body.model !== 'string' || body.model === '')
    throw badRequest('model must be a string', 'model');
  if (body.background === true)
    throw badRequest('background responses are not supported for this model', 'background');
  for (const key of ['prompt', 'conversation'])
    if (body[key] != null) throw badRequest(`${key} is not supported for this model`, key);
  if (body.input === undefined || body.input === null) throw badRequest('input is required', 'input');

  const names = ToolNames.of(body.tools);
  const instructions = optional(body, 'instructions', 'string');
  const chat: JsonObject = { model: body.model, messages: chatMessages(instructions, body.input, names) };

  const maxTokens = optional(body, 'max_output_tokens', 'number');
  if (maxTokens !== undefined) {
    if (!Number.isInteger(maxTokens) || maxTokens < 1)
      throw badRequest('max_output_tokens must be a positive integer', 'max_output_tokens');
    chat.max_tokens = maxTokens;
  }
  copy(body, chat, 'temperature', 'number');
  copy(body, chat, 'top_p', 'number');
  copy(body, chat, 'parallel_tool_calls', 'boolean');
  copy(body, chat, 'service_tier', 'string');
  const topLogprobs = optional(body, 'top_logprobs', 'number');
  if (topLogprobs !== undefined) {
    // Chat refuses `top_logprobs` without `logprobs`.
    chat.logprobs = true;
    chat.top_logprobs = topLogprobs;
  }
  const user = optional(body, 'user', 'string') ?? optional(body, 'safety_identifier', 'string');
  if (user !== undefined) chat.user = user;

  const tools = chatTools(body.tools, names);
  if (tools !== undefined) chat.tools = tools;
  const toolChoice = chatToolChoice(body.tool_choice, names, tools !== undefined);
  if (toolChoice !== undefined) chat.tool_choice = toolChoice;
  addTextConfig(body.text, chat);
  addReasoning(body.reasoning, chat);

  if (body.mock_response !== undefined) chat.mock_response = body.mock_response;
  if (optional(body, 'stream', 'boolean') === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** `text.format` as chat's `response_format`, `text.verbosity` as `verbosity`. */
function addTextConfig(text: unknown, chat: JsonObject): void {
  if (text === undefined || text === null) return;
  if (!isJsonObject(text)) throw badRequest('text must be an object', 'text');
  const verbosity = optional(text, 'verbosity', 'string', 'text.verbosity');
  if (verbosity !== undefined) chat.verbosity = verbosity;
  const format = text.format;
  if (format === undefined || format === null) return;
  if (!isJsonObject(format)) throw badRequest('text.format must be an object', 'text.format');
  switch (format.type) {
    case 'text':
      return;
    case 'json_object':
      chat.response_format = { type: 'json_object' };
      return;
    case 'json_schema': {
      const name = optional(format, 'name', 'string', 'text.format.name');
      if (name === undefined) throw badRequest('text.format.name is required', 'text.format.name');
      if (!isJsonObject(format.schema))
        throw badRequest('text.format.schema must be a JSON schema object', 'text.format.schema');
      const schema: JsonObject = { name, schema: format.schema };
      const strict = optional(format, 'strict', 'boolean', 'text.format.strict');
      if (strict !== undefined) schema.strict = strict;
      const description = optional(format, 'description', 'string', 'text.format.description');
      if (description !== undefined) schema.description = description;
      chat.response_format = { type: 'json_schema', json_schema: schema };
      return;
    }
    default:
      throw badRequest(
        `text.format.type must be one of text, json_object, json_schema (got ${JSON.stringify(format.type)})`,
        'text.format.type',
      );
  }
}

/** `reasoning.effort` as `reasoning_effort`; chat has nothing like `reasoning.summary`. */
function addReasoning(reasoning: unknown, chat: JsonObject): void {
  if (reasoning === undefined || reasoning === null) return;
  if (!isJsonObject(reasoning)) throw badRequest('reasoning must be an object', 'reasoning');
  const effort = optional(reasoning, 'effort', 'string', 'reasoning.effort');
  if (effort !== undefined) chat.reasoning_effort = effort;
}

interface Kinds {
  string: string;
  number: number;
  boolean: boolean;
}

/** `object[key]` when it is set (null counts as unset), checked to be of `kind`. */
function optional<K extends keyof Kinds>(
  object: JsonObject,
  key: string,
  kind: K,
  param: string = key,
): Kinds[K] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value)))
    throw badRequest(`${param} must be a ${kind}`, param);
  return value as Kinds[K];
}

function copy(from: JsonObject, to: JsonObject, key: string, kind: keyof Kinds): void {
  const value = optional(from, key, kind);
  if (value !== undefined) to[key] = value;
}
