/**
 * The OpenAI-compatible base: serves OpenAI and any server speaking its API at an `api_base`.
 * Other hosts reuse it through the quirk hooks in the options instead of copying it.
 */

import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { failure, readJsonAnswer, streamSuccess } from '../http/call-result.ts';
import { originOf, postJson } from '../http/upstream-client.ts';
import { midStreamError } from '../http/upstream-error.ts';
import {
  type CallContext,
  type CallResult,
  type Endpoint,
  emptySummary,
  type JsonSuccess,
  type Provider,
  type StreamSuccess,
} from '../spec.ts';
import { wantsUsage } from './chat-stream.ts';
import { openAiParams } from './params.ts';
import { passThrough } from './pass-through.ts';
import { readUsage } from './usage.ts';
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
}

const PATHS: Record<Endpoint, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

export function createOpenAiCompatible(options: OpenAiCompatibleOptions): Provider {
  const authHeaders = options.authHeaders ?? bearer;
  const usageRequests = new UsageRequests(options.includeUsage ?? true);

  function requestFor(endpoint: Endpoint, body: JsonObject, ctx: CallContext) {
    const base = (ctx.deployment.apiBase ?? options.defaultApiBase ?? '').replace(/\/+$/, '');
    if (base === '') {
      throw new GatewayError(`Deployment ${ctx.deployment.id} has no api_base`, {
        status: 500,
        type: 'api_error',
        code: 'misconfigured_deployment',
      });
    }
    const url = options.url
      ? options.url(base, PATHS[endpoint], ctx.deployment)
      : `${base}${PATHS[endpoint]}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ctx.deployment.apiKey) Object.assign(headers, authHeaders(ctx.deployment.apiKey));
    return { url, headers, body: JSON.stringify(body), signal: ctx.signal, timeoutMs: ctx.timeoutMs };
  }

  return {
    name: options.name,
    system: options.system ?? 'openai',
    supportedParams: options.supportedParams ?? openAiParams,

    async call(endpoint, body, ctx): Promise<CallResult<JsonSuccess>> {
      const started = performance.now();
      const req = requestFor(endpoint, body, ctx);
      const apiBase = originOf(req.url);
      const answer = await postJson(req);
      if (!answer.ok) return failure(answer.status, answer.error, started, apiBase);
      const read = await readJsonAnswer(answer, apiBase, ctx.signal);
      if (!read.ok) return failure(answer.status, read.error, started, apiBase);
      const { text, json } = read;
      const choice = Array.isArray(json.choices) ? (json.choices[0] as JsonObject | undefined) : undefined;
      return {
        ok: true,
        kind: 'json',
        status: answer.status,
        latencyMs: performance.now() - started,
        apiBase,
        body: text,
        json,
        headers: answer.headers,
        usage: readUsage(json.usage),
        finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined,
        responseModel: typeof json.model === 'string' ? json.model : undefined,
      };
    },

    async stream(endpoint, body, ctx): Promise<CallResult<StreamSuccess>> {
      const started = performance.now();
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
  };
}
