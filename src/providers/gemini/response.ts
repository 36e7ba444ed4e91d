/** A Gemini `generateContent` answer as an OpenAI `chat.completion`, one choice per candidate. */
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { chatChoice, chatCompletion, completionId, nowSeconds } from '../translated/openai-shape.ts';
import type { TranslatedAnswer } from '../translated/provider.ts';
import { answerPieces } from './answer-parts.ts';
import { blockedPrompt } from './blocked.ts';
import { finishReason } from './finish-reason.ts';
import type { GeminiCandidate, GenerateContentResponse } from './types.ts';
import { geminiUsage } from './usage.ts';

export function chatAnswer(json: JsonObject, body: JsonObject): TranslatedAnswer {
  const response = json as GenerateContentResponse;
  const blocked = blockedPrompt(response);
  if (blocked) throw blocked;
  const [head, ...rest] = response.candidates ?? [];
  if (head === undefined)
    throw new GatewayError('gemini answered without a candidate', {
      status: 502,
      type: 'api_error',
      code: 'upstream_invalid_response',
      upstreamBody: json,
    });
  const first = choice(head, 0);
  const choices = [first, ...rest.map((c, i) => choice(c, i + 1))];
  const usage = geminiUsage(response.usageMetadata);
  const model = response.modelVersion ?? String(body.model);
  const completion = chatCompletion({
    id: completionId(),
    model,
    created: nowSeconds(),
    message: first.message,
    finishReason: first.finishReason,
    usage,
  });
  completion.choices = choices.map((c) => chatChoice(c.index, c.message, c.finishReason));
  return { json: completion, usage, finishReason: first.finishReason ?? undefined, responseModel: model };
}

interface Choice {
  index: number;
  message: JsonObject;
  finishReason: string | null;
}

function choice(candidate: GeminiCandidate, position: number): Choice {
  const pieces = answerPieces(candidate.content?.parts);
  const message: JsonObject = { content: pieces.text ?? null };
  if (pieces.reasoning !== undefined) message.reasoning_content = pieces.reasoning;
  if (pieces.toolCalls.length > 0) message.tool_calls = pieces.toolCalls;
  const reason =
    candidate.finishReason === undefined
      ? null
      : finishReason(candidate.finishReason, pieces.toolCalls.length > 0);
  return { index: candidate.index ?? position, message, finishReason: reason };
}
