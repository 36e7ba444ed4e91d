/**
 * OpenAI embeddings through Gemini's `batchEmbedContents`: one request per input text, answered in the
 * same order. Gemini reports no token counts for embeddings, so the usage is an estimate (about four
 * characters a token): zero would make every embedding look free to cost tracking and tpm limits.
 */
import { badRequest, GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { Usage } from '../spec.ts';
import type { TranslatedAnswer } from '../translated/provider.ts';

export function embeddingsRequest(body: JsonObject, model: string): JsonObject {
  const requests = inputs(body.input).map((text) => {
    const request: JsonObject = { model: `models/${model}`, content: { parts: [{ text }] } };
    if (body.dimensions !== undefined) request.outputDimensionality = body.dimensions;
    return request;
  });
  return { requests };
}

export function embeddingsAnswer(json: JsonObject, body: JsonObject): TranslatedAnswer {
  const embeddings = json.embeddings;
  if (!Array.isArray(embeddings))
    throw new GatewayError('gemini answered without embeddings', {
      status: 502,
      type: 'api_error',
      code: 'upstream_invalid_response',
      upstreamBody: json,
    });
  const base64 = body.encoding_format === 'base64';
  const data = embeddings.map((e, index) => {
    const values = ((e as JsonObject)?.values ?? []) as number[];
    return { object: 'embedding', index, embedding: base64 ? toBase64(values) : values };
  });
  const prompt = inputs(body.input).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  const usage: Usage = { promptTokens: prompt, completionTokens: 0, totalTokens: prompt };
  const model = String(body.model);
  return {
    json: { object: 'list', data, model, usage: { prompt_tokens: prompt, total_tokens: prompt } },
    usage,
    responseModel: model,
  };
}

function inputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string')) return input;
  throw badRequest('gemini embeds text only: input must be a string or a non-empty list of strings', 'input');
}

/** OpenAI's base64 encoding: the little-endian float32 bytes of the vector. */
function toBase64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}
