/**
 * The Response object and its output items, as `responses.d.ts` describes them. One builder for the
 * plain answer, every stream event that carries a response, and a failed stream's last word, so the
 * client sees one shape whichever way it asked.
 */
import type { Usage } from '../../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** What differs between the responses of one request: everything else echoes the request. */
export interface ResponseState {
  id: string;
  createdAt: number;
  status: ResponseStatus;
  output: JsonObject[];
  usage?: Usage;
  /** Why an `incomplete` response stopped: `max_output_tokens` or `content_filter`. */
  incompleteReason?: string;
  /** A failed response's `{ code, message }`. */
  error?: JsonObject;
  completedAt?: number;
}

export function responseObject(request: JsonObject, state: ResponseState): JsonObject {
  const text = isJsonObject(request.text) ? request.text : {};
  const reasoning = isJsonObject(request.reasoning) ? request.reasoning : {};
  const body: JsonObject = {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    background: false,
    completed_at: state.completedAt ?? null,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason ? { reason: state.incompleteReason } : null,
    instructions: typeof request.instructions === 'string' ? request.instructions : null,
    max_output_tokens: typeof request.max_output_tokens === 'number' ? request.max_output_tokens : null,
    model: request.model,
    output: state.output,
    // The SDKs compute `output_text` themselves, but the wire type has it and plain HTTP clients read it.
    output_text: outputText(state.output),
    parallel_tool_calls:
      typeof request.parallel_tool_calls === 'boolean' ? request.parallel_tool_calls : true,
    previous_response_id:
      typeof request.previous_response_id === 'string' ? request.previous_response_id : null,
    reasoning: { effort: typeof reasoning.effort === 'string' ? reasoning.effort : null, summary: null },
    store: typeof request.store === 'boolean' ? request.store : true,
    temperature: typeof request.temperature === 'number' ? request.temperature : 1,
    text: textConfig(text),
    tool_choice: request.tool_choice ?? 'auto',
    tools: Array.isArray(request.tools) ? request.tools : [],
    top_logprobs: typeof request.top_logprobs === 'number' ? request.top_logprobs : 0,
    top_p: typeof request.top_p === 'number' ? request.top_p : 1,
    // Nothing was dropped to fit the context window, whatever the request allowed.
    truncation: 'disabled',
    metadata: isJsonObject(request.metadata) ? request.metadata : {},
    access_programs: null,
  };
  if (state.usage !== undefined) body.usage = responseUsage(state.usage);
  for (const key of ['user', 'safety_identifier', 'prompt_cache_key', 'service_tier'])
    if (typeof request[key] === 'string') body[key] = request[key];
  return body;
}

function textConfig(text: JsonObject): JsonObject {
  const config: JsonObject = { format: isJsonObject(text.format) ? text.format : { type: 'text' } };
  if (typeof text.verbosity === 'string') config.verbosity = text.verbosity;
  return config;
}

export function responseUsage(usage: Usage): JsonObject {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}

/** How a response ends, from chat's finish reason. */
export function endStatus(finishReason: unknown): { status: ResponseStatus; incompleteReason?: string } {
  if (finishReason === 'length') return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
  if (finishReason === 'content_filter') return { status: 'incomplete', incompleteReason: 'content_filter' };
  return { status: 'completed' };
}

/** The text of every `output_text` part of the message items, as the SDKs' `output_text` joins it. */
export function outputText(output: JsonObject[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content)
      if (isJsonObject(part) && part.type === 'output_text' && typeof part.text === 'string')
        text += part.text;
  }
  return text;
}

export function reasoningItem(id: string, text: string): JsonObject {
  return { id, type: 'reasoning', summary: text === '' ? [] : [summaryPart(text)] };
}

export const summaryPart = (text: string): JsonObject => ({ type: 'summary_text', text });

export function messageItem(id: string, status: ItemStatus, content: JsonObject[]): JsonObject {
  return { id, type: 'message', status, role: 'assistant', content };
}

export const textPart = (text: string): JsonObject => ({
  type: 'output_text',
  annotations: [],
  logprobs: [],
  text,
});

export const refusalPart = (refusal: string): JsonObject => ({ type: 'refusal', refusal });

export interface FunctionCall {
  callId: string;
  name: string;
  arguments: string;
  /** The namespace of a tool offered inside a `namespace` tool. */
  namespace?: string;
}

export function functionCallItem(id: string, status: ItemStatus, call: FunctionCall): JsonObject {
  const item: JsonObject = {
    id,
    type: 'function_call',
    status,
    arguments: call.arguments,
    call_id: call.callId,
    name: call.name,
  };
  if (call.namespace !== undefined) item.namespace = call.namespace;
  return item;
}

export interface CustomToolCall {
  callId: string;
  name: string;
  input: string;
  namespace?: string;
}

/** A custom tool's call. `status` is the item's as OpenAI lists it (`ResponseCustomToolCallItem`). */
export function customToolCallItem(id: string, status: ItemStatus, call: CustomToolCall): JsonObject {
  const item: JsonObject = {
    id,
    type: 'custom_tool_call',
    status,
    call_id: call.callId,
    name: call.name,
    input: call.input,
  };
  if (call.namespace !== undefined) item.namespace = call.namespace;
  return item;
}
