/**
 * OpenAI's chat and text completion chunks, read once as they pass: each keeps the stream's summary
 * (text, tool calls, usage, finish reason, served model) up to date, so nothing downstream parses a
 * chunk again. Used by every provider whose stream is, or is translated into, OpenAI chunks.
 */
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { appendText, keepText, type StreamEvent, type StreamSummary, type StreamToolCall } from '../spec.ts';
import { readUsage } from './usage.ts';

/** OpenAI's end of stream marker. */
export const DONE = '[DONE]';

/** Whether the client asked for the usage chunk (`stream_options.include_usage`). */
export function wantsUsage(body: JsonObject): boolean {
  return isJsonObject(body.stream_options) && body.stream_options.include_usage === true;
}

/** The last chunk of a stream with `include_usage`: no choices, only usage. */
export function isUsageOnly(chunk: JsonObject): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage != null;
}

/** Folds one chunk into the summary. Only the first choice is assembled: that is what a trace shows. */
export function observeChunk(chunk: JsonObject, summary: StreamSummary): void {
  if (summary.responseModel === undefined && typeof chunk.model === 'string')
    summary.responseModel = chunk.model;
  if (summary.responseId === undefined && typeof chunk.id === 'string') summary.responseId = chunk.id;
  const usage = readUsage(chunk.usage);
  if (usage) summary.usage = usage;
  if (!Array.isArray(chunk.choices)) return;
  for (const choice of chunk.choices) {
    if (!isJsonObject(choice) || (choice.index ?? 0) !== 0) continue;
    if (typeof choice.finish_reason === 'string') summary.finishReason = choice.finish_reason;
    if (typeof choice.text === 'string') appendText(summary, choice.text);
    const delta = choice.delta;
    if (!isJsonObject(delta)) continue;
    if (typeof delta.content === 'string') appendText(summary, delta.content);
    if (typeof delta.reasoning_content === 'string')
      summary.reasoning = keepText(summary.reasoning ?? '', delta.reasoning_content);
    if (Array.isArray(delta.tool_calls)) addToolCalls(delta.tool_calls, summary);
  }
}

/**
 * The client's events for a batch of chunks the gateway built (translated or mock): each observed, and
 * the usage chunk left out when the client did not ask for it (the gateway always wants usage).
 */
export function chunkEvents(chunks: JsonObject[], summary: StreamSummary, clientWantsUsage: boolean) {
  const events: StreamEvent[] = [];
  for (const chunk of chunks) {
    observeChunk(chunk, summary);
    if (clientWantsUsage || !isUsageOnly(chunk)) events.push({ data: chunk });
  }
  return events;
}

function addToolCalls(deltas: unknown[], summary: StreamSummary): void {
  summary.toolCalls ??= [];
  for (const item of deltas) {
    if (typeof item !== 'object' || item === null) continue;
    const delta = item as JsonObject;
    const index = typeof delta.index === 'number' ? delta.index : summary.toolCalls.length;
    // A hostile index (1e9) must not allocate a sparse array that large.
    if (index < 0 || index > summary.toolCalls.length) continue;
    const call: StreamToolCall = summary.toolCalls[index] ?? { arguments: '' };
    summary.toolCalls[index] = call;
    const fn = delta.function as JsonObject | undefined;
    if (typeof delta.id === 'string') call.id = delta.id;
    if (typeof fn?.name === 'string') call.name = fn.name;
    if (typeof fn?.arguments === 'string') call.arguments = keepText(call.arguments, fn.arguments);
  }
}
