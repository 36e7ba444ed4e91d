/**
 * `streamGenerateContent?alt=sse` as OpenAI chunks. Each `data:` event is a whole GenerateContentResponse
 * holding the next piece of each candidate; the last one carries the finish reason and the usage.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { SseMessage } from '../http/sse-parser.ts';
import type { Usage } from '../spec.ts';
import { type ChunkHeader, chunk, completionId, nowSeconds, usageChunk } from '../translated/openai-shape.ts';
import type { StreamTranslator } from '../translated/provider.ts';
import { answerPieces } from './answer-parts.ts';
import { blockedPrompt } from './blocked.ts';
import { finishReason } from './finish-reason.ts';
import type { GenerateContentResponse } from './types.ts';
import { geminiUsage } from './usage.ts';

/** What one choice of the stream has sent so far. */
interface ChoiceState {
  toolCalls: number;
  finished: boolean;
}

export function geminiStreamTranslator(body: JsonObject): StreamTranslator {
  const choices = new Map<number, ChoiceState>();
  let header: ChunkHeader | undefined;
  let usage: Usage | undefined;

  return {
    event(event: SseMessage): JsonObject[] {
      const response = parse(event.data);
      const blocked = blockedPrompt(response);
      if (blocked) throw blocked;
      header ??= {
        id: completionId(),
        model: response.modelVersion ?? String(body.model),
        created: nowSeconds(),
      };
      usage = geminiUsage(response.usageMetadata) ?? usage;
      const out: JsonObject[] = [];
      for (const [position, candidate] of (response.candidates ?? []).entries()) {
        const index = candidate.index ?? position;
        let state = choices.get(index);
        const delta: JsonObject = {};
        if (state === undefined) {
          state = { toolCalls: 0, finished: false };
          choices.set(index, state);
          delta.role = 'assistant';
        }
        const pieces = answerPieces(candidate.content?.parts);
        if (pieces.text !== undefined) delta.content = pieces.text;
        if (pieces.reasoning !== undefined) delta.reasoning_content = pieces.reasoning;
        if (pieces.toolCalls.length > 0) {
          // Gemini sends each call whole, so one delta carries its id, name and all its arguments.
          const first = state.toolCalls;
          delta.tool_calls = pieces.toolCalls.map((call, i) => ({ index: first + i, ...call }));
          state.toolCalls += pieces.toolCalls.length;
        }
        let reason: string | null = null;
        if (candidate.finishReason !== undefined) {
          reason = finishReason(candidate.finishReason, state.toolCalls > 0);
          state.finished = true;
        }
        if (Object.keys(delta).length > 0 || reason !== null) out.push(chunk(header, delta, reason, index));
      }
      return out;
    },

    end(): JsonObject[] {
      if (header === undefined || ![...choices.values()].some((c) => c.finished))
        throw new GatewayError('The gemini stream ended before the answer was finished', {
          status: 502,
          type: 'api_error',
          code: 'upstream_stream_error',
          retryable: false,
        });
      return usage ? [usageChunk(header, usage)] : [];
    },
  };
}

/** One event's response; an error event (Gemini's error JSON mid-stream) becomes the stream's error. */
function parse(data: string): GenerateContentResponse {
  let json: JsonObject;
  try {
    json = JSON.parse(data) as JsonObject;
  } catch (err) {
    throw new GatewayError('gemini sent a stream event that is not JSON', {
      status: 502,
      type: 'api_error',
      code: 'upstream_stream_error',
      retryable: false,
      cause: err,
    });
  }
  const error = json.error as JsonObject | undefined;
  if (error !== undefined) {
    const status = typeof error.code === 'number' && error.code >= 400 ? error.code : 502;
    throw new GatewayError(String(error.message ?? 'gemini failed in the middle of the stream'), {
      status,
      type: 'api_error',
      code: 'upstream_stream_error',
      retryable: false,
      upstreamBody: json,
    });
  }
  return json as GenerateContentResponse;
}
