/**
 * The OpenAI-compatible base: serves OpenAI and any server speaking its API at an `api_base`.
 * Other hosts reuse it through the quirk hooks in the options instead of copying it.
 */

import { badRequest, GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { failure, jsonSuccess, readBytesAnswer, readJsonAnswer, streamSuccess } from '../http/call-result.ts';
import { rawEvents } from '../http/raw-events.ts';
import { originOf, postJson } from '../http/upstream-client.ts';
import { midStreamError } from '../http/upstream-error.ts';
import {
  type Answer,
  type CallContext,
  type CallResult,
  type Endpoint,
  emptySummary,
  type JsonSuccess,
  type Provider,
  type StreamSuccess,
} from '../spec.ts';
import { wantsUsage } from './chat-stream.ts';
import { toForm } from './form-body.ts';
import { imagesForTrace, isJsonType, MEDIA_ENDPOINTS, mediaSuccess } from './media-answer.ts';
import { openAiParams } from './params.ts';
import { passThrough } from './pass-through.ts';
import { readRerankUsage, readUsage } from './usage.ts';
import { UsageRequests } from './usage-requests.ts';

export interface OpenAiCompatibleOptions {
  name: string;
  system?: string;
  /** Used when the deployment sets no `api_base`. */
  defaultApiBase?: string;
  /** Headers carrying the key; OpenAI's is `Authorization: Bearer`. */
  authHeaders?: (apiKey: string) => Record<string, string>;
  supportedParams?: (endpoint: Endpoint, model: string) => ReadonlySet<string>;
  /** Where an endpoint lives under the base URL; OpenAI's is `{base}/chat/completions`, … */
  url?: (base: string, path: string, deployment: CallContext['deployment']) => string;
  /**
   * Ask for usage in streams the client did not ask it for (`stream_options.include_usage`), and take
   * out what that adds before the client sees it, as vercel/ai's `includeUsage`. On by default: spans
   * and spend want exact counts. An upstream that refuses the option is called without it from then on.
   */
  includeUsage?: boolean;
  /** Dialect endpoints the host serves itself (OpenAI and Azure: the Responses API). */
  native?: readonly Endpoint[];
  /** The host serves Cohere's rerank at `{base}/rerank` (vLLM, Together AI); OpenAI's API has none. */
  rerank?: boolean;
}

const PATHS: Partial<Record<Endpoint, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  moderations: '/moderations',
  image_generations: '/images/generations',
  speech: '/audio/speech',
  transcriptions: '/audio/transcriptions',
  rerank: '/rerank',
};

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

export function createOpenAiCompatible(options: OpenAiCompatibleOptions): Provider {
  const authHeaders = options.authHeaders ?? bearer;
  const usageRequests = new UsageRequests(options.includeUsage ?? true);
  const native: ReadonlySet<Endpoint> = new Set(options.native ?? []);

  function urlFor(path: string, ctx: CallContext): string {
    const base = (ctx.deployment.apiBase ?? options.defaultApiBase ?? '').replace(/\/+$/, '');
    if (base === '') {
      throw new GatewayError(`Deployment ${ctx.deployment.id} has no api_base`, {
        status: 500,
        type: 'api_error',
        code: 'misconfigured_deployment',
      });
    }
    return options.url ? options.url(base, path, ctx.deployment) : `${base}${path}`;
  }

  function requestFor(endpoint: Endpoint, body: JsonObject, ctx: CallContext) {
    const path = PATHS[endpoint];
    // The gateway translates dialects this host does not serve; reaching here is a wiring mistake.
    if (
      path === undefined ||
      ((endpoint === 'responses' || endpoint === 'messages') && !native.has(endpoint))
    )
      throw new GatewayError(`${options.name} does not serve the ${endpoint} endpoint`, {
        status: 500,
        type: 'api_error',
        code: 'unsupported_endpoint',
      });
    // A client's mistake, not the gateway's: the model it named is served by a host without rerank.
    if (endpoint === 'rerank' && options.rerank !== true)
      throw badRequest(
        `${options.name} has no rerank endpoint (model ${ctx.deployment.modelName}); rerank needs a deployment of a provider that serves one, such as hosted_vllm or together_ai`,
        'model',
        'unsupported_endpoint',
      );
    const form = endpoint === 'transcriptions';
    // A form's content type carries its boundary, which undici writes when it encodes the form.
    const headers: Record<string, string> = form ? {} : { 'content-type': 'application/json' };
    if (ctx.deployment.apiKey) Object.assign(headers, authHeaders(ctx.deployment.apiKey));
    const url = urlFor(path, ctx);
    const sent = form ? toForm(body) : JSON.stringify(body);
    return { url, headers, body: sent, signal: ctx.signal, timeoutMs: ctx.timeoutMs };
  }

  /** Builds and sends one request; a body that cannot be sent, or an error answer, is a CallFailure. */
  async function send(endpoint: Endpoint, body: JsonObject, ctx: CallContext, started: number) {
    let req: ReturnType<typeof requestFor>;
    try {
      req = requestFor(endpoint, body, ctx);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return failure(0, err, started, options.name);
    }
    const apiBase = originOf(req.url);
    const answer = await postJson(req);
    if (!answer.ok) return failure(answer.status, answer.error, started, apiBase);
    return { ok: true as const, apiBase, answer };
  }

  return {
    name: options.name,
    system: options.system ?? 'openai',
    supportedParams: options.supportedParams ?? openAiParams,
    native,

    async call(endpoint, body, ctx): Promise<CallResult<Answer>> {
      const started = performance.now();
      const sent = await send(endpoint, body, ctx, started);
      if (!sent.ok) return sent;
      const { apiBase, answer } = sent;
      if (MEDIA_ENDPOINTS.has(endpoint) && !isJsonType(answer.contentType)) {
        const bytes = await readBytesAnswer(answer, apiBase, ctx.signal);
        if (!bytes.ok) return failure(answer.status, bytes.error, started, apiBase);
        const facts = { status: answer.status, latencyMs: performance.now() - started, apiBase };
        return mediaSuccess(facts, bytes.bytes, answer.contentType, answer.headers);
      }
      const read = await readJsonAnswer(answer, apiBase, ctx.signal);
      if (!read.ok) return failure(answer.status, read.error, started, apiBase);
      const { json } = read;
      const choice = Array.isArray(json.choices) ? (json.choices[0] as JsonObject | undefined) : undefined;
      return jsonSuccess(answer, started, apiBase, read, {
        usage: endpoint === 'rerank' ? readRerankUsage(json) : readUsage(json.usage),
        finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined,
        responseModel: typeof json.model === 'string' ? json.model : undefined,
        traceOutput: endpoint === 'image_generations' ? imagesForTrace(json) : undefined,
      });
    },

    async stream(endpoint, body, ctx): Promise<CallResult<StreamSuccess>> {
      const started = performance.now();
      if (endpoint === 'responses' || endpoint === 'messages') {
        const sent = await send(endpoint, body, ctx, started);
        if (!sent.ok) return sent;
        const { apiBase, answer } = sent;
        return streamSuccess(answer, started, apiBase, emptySummary(), rawEvents, (err) =>
          midStreamError(err, apiBase, ctx.signal),
        );
      }
      const clientWantsUsage = wantsUsage(body);
      const id = ctx.deployment.id;
      let asked = usageRequests.ask(body, clientWantsUsage, id);
      let req = requestFor(endpoint, asked ?? body, ctx);
      const apiBase = originOf(req.url);
      let answer = await postJson(req);
      if (!answer.ok && asked !== undefined && usageRequests.refusedBy(answer.error, id)) {
        // Its refusal is remembered: this is the only request that pays for the second call.
        asked = undefined;
        req = requestFor(endpoint, body, ctx);
        answer = await postJson(req);
      }
      if (!answer.ok) return failure(answer.status, answer.error, started, apiBase);
      const summary = emptySummary();
      const hideUsage = asked !== undefined;
      return streamSuccess(
        answer,
        started,
        apiBase,
        summary,
        (upstream) => passThrough(upstream, summary, hideUsage),
        (err) => midStreamError(err, apiBase, ctx.signal),
      );
    },

    async retrieve(method, path, ctx): Promise<CallResult<JsonSuccess>> {
      const started = performance.now();
      const headers: Record<string, string> = {};
      if (ctx.deployment.apiKey) Object.assign(headers, authHeaders(ctx.deployment.apiKey));
      const url = urlFor(path, ctx);
      const apiBase = originOf(url);
      const answer = await postJson({ method, url, headers, signal: ctx.signal, timeoutMs: ctx.timeoutMs });
      if (!answer.ok) return failure(answer.status, answer.error, started, apiBase);
      const read = await readJsonAnswer(answer, apiBase, ctx.signal);
      if (!read.ok) return failure(answer.status, read.error, started, apiBase);
      return jsonSuccess(answer, started, apiBase, read);
    },
  };
}
