/**
 * Google Gemini through the Generative Language API (ai.google.dev), LiteLLM's `gemini/` prefix:
 * `{api_base}/v1beta/models/{model}:generateContent`, `:streamGenerateContent?alt=sse` and
 * `:batchEmbedContents`. The key goes in the `x-goog-api-key` header, never in the URL (URLs get logged).
 */

import type { JsonObject } from '../../shared/json.ts';
import type { Endpoint } from '../spec.ts';
import { createTranslatedProvider } from '../translated/provider.ts';
import { descriptor } from './descriptor.ts';
import { embeddingsAnswer, embeddingsRequest } from './embeddings.ts';
import { geminiError } from './errors.ts';
import { chatRequest, geminiParams } from './request.ts';
import { chatAnswer } from './response.ts';
import { geminiStreamTranslator } from './stream.ts';

/** The path for a method on a model; an api_base written with its `/v1beta` keeps working. */
function methodUrl(base: string, model: string, method: string): string {
  const root = base.replace(/\/v1beta$/, '');
  return `${root}/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}:${method}`;
}

const ENDPOINTS: ReadonlySet<Endpoint> = new Set(['chat', 'embeddings']);

export const geminiProvider = createTranslatedProvider({
  name: descriptor.name,
  system: descriptor.telemetry.system,
  defaultApiBase: descriptor.defaultApiBase,
  endpoints: ENDPOINTS,
  supportedParams: geminiParams,
  request(endpoint, body, ctx, base, stream) {
    const model = ctx.deployment.model;
    const headers: Record<string, string> = ctx.deployment.apiKey
      ? { 'x-goog-api-key': ctx.deployment.apiKey }
      : {};
    if (endpoint === 'embeddings')
      return {
        url: methodUrl(base, model, 'batchEmbedContents'),
        headers,
        body: embeddingsRequest(body, model),
      };
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return { url: methodUrl(base, model, method), headers, body: chatRequest(body, model) };
  },
  response: (endpoint, json: JsonObject, body) =>
    endpoint === 'embeddings' ? embeddingsAnswer(json, body) : chatAnswer(json, body),
  streamTranslator: geminiStreamTranslator,
  error: geminiError,
});
