/**
 * Anthropic's stream events as OpenAI chunks. Anthropic numbers content blocks across text, thinking
 * and tool use; OpenAI numbers tool calls alone, so tool blocks get their own index from 0. Usage comes
 * in two halves (input counters in `message_start`, output in `message_delta`) and is sent as one
 * usage chunk at the end when the request asked for it.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { SseMessage } from '../http/sse-parser.ts';
import { type ChunkHeader, chunk, completionId, nowSeconds, usageChunk } from '../translated/openai-shape.ts';
import type { StreamTranslator } from '../translated/provider.ts';
import { streamError } from './errors.ts';
import { isObject, objectOr } from './json.ts';
import { anthropicUsage, finishReason } from './usage.ts';

export interface AnthropicStreamTranslator extends StreamTranslator {
  /** The chunks for one event whose data is already parsed (a native stream the relay has read). */
  data(data: JsonObject): JsonObject[];
  /**
   * The usage chunk for the counters seen so far: input from `message_start`, output once
   * `message_delta` came. Unlike `end()` it never throws, for a reader that has no end of its own.
   */
  usageSoFar(): JsonObject;
}

export function anthropicStreamTranslator(): AnthropicStreamTranslator {
  const header: ChunkHeader = { id: completionId(), model: '', created: nowSeconds() };
  /** Anthropic's block index → OpenAI's tool call index. */
  const toolIndex = new Map<number, number>();
  let usageFields: JsonObject = {};
  let finished = false;
  const usageSoFar = () => usageChunk(header, anthropicUsage(usageFields));

  function onEvent(data: JsonObject): JsonObject[] {
    switch (data.type) {
      case 'message_start': {
        const message = objectOr(data.message);
        if (typeof message.model === 'string') header.model = message.model;
        usageFields = objectOr(message.usage);
        return [chunk(header, { role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return blockStart(numberIndex(data.index), objectOr(data.content_block));
      case 'content_block_delta':
        return blockDelta(numberIndex(data.index), objectOr(data.delta));
      case 'message_delta': {
        finished = true;
        // Its counters are cumulative and win over message_start's, which may be estimates.
        usageFields = { ...usageFields, ...definedNumbers(objectOr(data.usage)) };
        return [chunk(header, {}, finishReason(objectOr(data.delta).stop_reason) ?? 'stop')];
      }
      case 'message_stop':
        finished = true;
        return [];
      case 'error':
        throw streamError(data);
      default:
        // ping, content_block_stop, and event types added after this was written.
        return [];
    }
  }

  function blockStart(index: number, block: JsonObject): JsonObject[] {
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '')
      return [chunk(header, { content: block.text })];
    if (block.type !== 'tool_use') return [];
    const n = toolIndex.size;
    toolIndex.set(index, n);
    const call = { index: n, id: block.id, type: 'function', function: { name: block.name, arguments: '' } };
    return [chunk(header, { tool_calls: [call] })];
  }

  function blockDelta(index: number, delta: JsonObject): JsonObject[] {
    if (delta.type === 'text_delta') return [chunk(header, { content: delta.text })];
    if (delta.type === 'thinking_delta') return [chunk(header, { reasoning_content: delta.thinking })];
    const n = toolIndex.get(index);
    if (delta.type === 'input_json_delta' && n !== undefined)
      return [chunk(header, { tool_calls: [{ index: n, function: { arguments: delta.partial_json } }] })];
    return [];
  }

  return {
    event(event: SseMessage): JsonObject[] {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return [];
      }
      return isObject(data) ? onEvent(data) : [];
    },
    data: onEvent,
    usageSoFar,
    end(): JsonObject[] {
      if (!finished)
        throw new GatewayError('The upstream stream ended before the answer was complete', {
          status: 502,
          type: 'api_error',
          code: 'upstream_stream_error',
          retryable: false,
        });
      return [usageSoFar()];
    },
  };
}

const numberIndex = (value: unknown): number => (typeof value === 'number' ? value : -1);

function definedNumbers(fields: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === 'number'));
}
