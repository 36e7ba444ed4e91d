/**
 * Anthropic's Messages API (`POST {api_base}/v1/messages`, key in `x-api-key`) behind OpenAI's chat
 * endpoint. The translated base does the HTTP, errors and stream parsing; this folder only translates.
 */
import type { CallContext, Endpoint } from '../spec.ts';
import { createTranslatedProvider } from '../translated/provider.ts';
import { descriptor } from './descriptor.ts';
import { anthropicError } from './errors.ts';
import { CHAT_PARAMS, messagesRequest, messagesUrl } from './request.ts';
import { chatAnswer } from './response.ts';
import { anthropicStreamTranslator } from './stream.ts';

/** The API version this translation is written against; Anthropic requires the header. */
export const ANTHROPIC_VERSION = '2023-06-01';

const NONE: ReadonlySet<string> = new Set();

function anthropicHeaders(ctx: CallContext): Record<string, string> {
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (ctx.deployment.apiKey !== undefined) headers['x-api-key'] = ctx.deployment.apiKey;
  return headers;
}

export const anthropicProvider = createTranslatedProvider({
  name: descriptor.name,
  system: descriptor.telemetry.system,
  defaultApiBase: descriptor.defaultApiBase,
  endpoints: new Set<Endpoint>(['chat']),
  supportedParams: (endpoint) => (endpoint === 'chat' ? CHAT_PARAMS : NONE),
  request: (_endpoint, body, ctx, base, stream) => ({
    url: messagesUrl(base),
    headers: anthropicHeaders(ctx),
    body: messagesRequest(body, ctx.deployment, stream),
  }),
  native: {
    endpoints: new Set<Endpoint>(['messages', 'count_tokens']),
    request: (endpoint, body, ctx, base) => ({
      url: endpoint === 'count_tokens' ? `${messagesUrl(base)}/count_tokens` : messagesUrl(base),
      // The client's version and beta flags choose the API's behaviour; ours is the default.
      headers: { ...anthropicHeaders(ctx), ...ctx.forwardHeaders },
      body,
    }),
  },
  response: (_endpoint, json) => chatAnswer(json),
  streamTranslator: anthropicStreamTranslator,
  error: anthropicError,
});
