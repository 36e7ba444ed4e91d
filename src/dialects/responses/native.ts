/**
 * Reads what the trace needs from a Response the upstream itself gave (OpenAI and Azure speak the
 * Responses API): usage, finish reason in chat's terms, the served model, and the answer as one chat
 * assistant message.
 */

import { GatewayError } from '../../errors/gateway-error.ts';
import {
  appendText,
  keepText,
  type StreamEvent,
  type StreamSummary,
  type StreamToolCall,
  type Usage,
} from '../../providers/spec.ts';
import { chatChoice } from '../../providers/translated/openai-shape.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { NativeFacts, NativeStream } from '../dialect.ts';
import { responseErrorCode } from './errors.ts';

export function nativeFacts(json: JsonObject): NativeFacts {
  const output = Array.isArray(json.output) ? json.output.filter(isJsonObject) : [];
  const reason = finishReason(json, output);
  const facts: NativeFacts = { choices: [chatChoice(0, answerMessage(output), reason ?? null)] };
  const usage = responseUsage(json.usage);
  if (usage !== undefined) facts.usage = usage;
  if (reason !== undefined) facts.finishReason = reason;
  if (typeof json.model === 'string') facts.responseModel = json.model;
  return facts;
}

/** The Responses API's `usage`, with its cached input and reasoning output counts. */
export function responseUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value) || !isCount(value.input_tokens)) return undefined;
  const input = value.input_tokens;
  const output = isCount(value.output_tokens) ? value.output_tokens : 0;
  const usage: Usage = {
    promptTokens: input,
    completionTokens: output,
    totalTokens: isCount(value.total_tokens) ? value.total_tokens : input + output,
  };
  const cached = isJsonObject(value.input_tokens_details)
    ? value.input_tokens_details.cached_tokens
    : undefined;
  if (isCount(cached)) usage.cachedTokens = cached;
  const details = value.output_tokens_details;
  const reasoning = isJsonObject(details) ? details.reasoning_tokens : undefined;
  if (isCount(reasoning)) usage.reasoningTokens = reasoning;
  return usage;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** In chat's terms; a failed or cancelled response has none. */
function finishReason(json: JsonObject, output: JsonObject[]): string | undefined {
  if (json.status === 'completed')
    return output.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
  if (json.status !== 'incomplete') return undefined;
  const reason = isJsonObject(json.incomplete_details) ? json.incomplete_details.reason : undefined;
  if (reason === 'content_filter') return 'content_filter';
  return reason === 'max_output_tokens' ? 'length' : undefined;
}

/** The output items as one chat assistant message. */
function answerMessage(output: JsonObject[]): JsonObject {
  let text = '';
  let refusal = '';
  const summaries: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const item of output) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content.filter(isJsonObject)) {
        if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
        if (part.type === 'refusal' && typeof part.refusal === 'string') refusal += part.refusal;
      }
    } else if (item.type === 'reasoning') {
      summaries.push(...reasoningSummaries(item));
    } else if (item.type === 'function_call') {
      toolCalls.push({
        id: typeof item.call_id === 'string' ? item.call_id : '',
        type: 'function',
        function: {
          name: typeof item.name === 'string' ? item.name : '',
          arguments: typeof item.arguments === 'string' ? item.arguments : '',
        },
      });
    }
  }
  // Chat's convention: no content (null, not '') beside tool calls or a refusal.
  const empty = text === '' && (toolCalls.length > 0 || refusal !== '');
  const message: JsonObject = { role: 'assistant', content: empty ? null : text };
  if (refusal !== '') message.refusal = refusal;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (summaries.length > 0) message.reasoning_content = summaries.join(SUMMARY_GAP);
  return message;
}

/** Between two summary parts: they are paragraphs of one summary. */
const SUMMARY_GAP = '\n\n';

function reasoningSummaries(item: JsonObject): string[] {
  if (!Array.isArray(item.summary)) return [];
  return item.summary
    .filter(isJsonObject)
    .flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

export function nativeStream(): NativeStream {
  return new ResponsesObserver();
}

/** Folds the upstream's stream events into the summary as they pass. */
class ResponsesObserver implements NativeStream {
  private lastSequence = -1;
  /** The response as the last lifecycle event gave it (its id names it for later calls). */
  private response: JsonObject | undefined;
  private failed: GatewayError | undefined;
  /** The tool calls by the output index of their item. */
  private readonly calls = new Map<number, StreamToolCall>();

  observe(event: StreamEvent, summary: StreamSummary): void {
    const data = event.data;
    if (!isJsonObject(data)) return;
    if (typeof data.sequence_number === 'number') this.lastSequence = data.sequence_number;
    switch (data.type) {
      case 'response.output_text.delta':
        if (typeof data.delta === 'string') appendText(summary, data.delta);
        return;
      case 'response.reasoning_summary_part.added':
        if (summary.reasoning) summary.reasoning = keepText(summary.reasoning, SUMMARY_GAP);
        return;
      case 'response.reasoning_summary_text.delta':
        if (typeof data.delta === 'string') summary.reasoning = keepText(summary.reasoning ?? '', data.delta);
        return;
      case 'response.output_item.added':
      case 'response.output_item.done':
        this.item(data, summary);
        return;
      case 'response.function_call_arguments.delta': {
        const call = this.call(data);
        if (call && typeof data.delta === 'string') call.arguments = keepText(call.arguments, data.delta);
        return;
      }
      case 'response.function_call_arguments.done': {
        const call = this.call(data);
        if (call && typeof data.arguments === 'string') call.arguments = keepText('', data.arguments);
        return;
      }
      case 'response.created':
      case 'response.in_progress':
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isJsonObject(data.response)) this.lifecycle(data.response, summary);
        if (data.type === 'response.failed') this.failed = upstreamFailure(this.response?.error, 500);
        return;
      case 'error':
        this.failed = upstreamFailure(data, 500);
        return;
    }
  }

  fail(error: GatewayError): StreamEvent[] {
    const data: JsonObject = {
      type: 'error',
      code: error.code ?? responseErrorCode(error),
      message: error.message,
      param: error.param,
      sequence_number: this.lastSequence + 1,
    };
    return [{ event: 'error', data }];
  }

  /** A function call item, as announced and as finished: its call id, name and whole arguments. */
  private item(data: JsonObject, summary: StreamSummary): void {
    const item = data.item;
    if (!isJsonObject(item) || item.type !== 'function_call' || typeof data.output_index !== 'number') return;
    let call = this.calls.get(data.output_index);
    if (call === undefined) {
      call = { arguments: '' };
      this.calls.set(data.output_index, call);
      summary.toolCalls ??= [];
      summary.toolCalls.push(call);
    }
    if (typeof item.call_id === 'string') call.id = item.call_id;
    if (typeof item.name === 'string') call.name = item.name;
    if (typeof item.arguments === 'string' && item.arguments !== '')
      call.arguments = keepText('', item.arguments);
  }

  private call(data: JsonObject): StreamToolCall | undefined {
    return typeof data.output_index === 'number' ? this.calls.get(data.output_index) : undefined;
  }

  failure(): GatewayError | undefined {
    return this.failed;
  }

  answer(): JsonObject | undefined {
    return this.response;
  }

  private lifecycle(response: JsonObject, summary: StreamSummary): void {
    this.response = response;
    if (typeof response.model === 'string') summary.responseModel = response.model;
    if (response.status === 'in_progress' || response.status === 'queued') return;
    const facts = nativeFacts(response);
    if (facts.usage !== undefined) summary.usage = facts.usage;
    if (facts.finishReason !== undefined) summary.finishReason = facts.finishReason;
  }
}

/**
 * A failure the upstream's stream told its client itself (`response.failed`, an `error` event), as the
 * request's error: the client has it already, the trace needs it.
 */
function upstreamFailure(error: unknown, status: number): GatewayError {
  const e = isJsonObject(error) ? error : {};
  const code = typeof e.code === 'string' ? e.code : 'upstream_stream_error';
  return new GatewayError(typeof e.message === 'string' ? e.message : 'The upstream failed mid-stream', {
    status: code === 'rate_limit_exceeded' ? 429 : status,
    type: code === 'rate_limit_exceeded' ? 'rate_limit_error' : 'api_error',
    code,
    retryable: false,
    upstreamBody: error,
  });
}
