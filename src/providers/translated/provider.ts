/**
 * The base for providers whose API is not OpenAI's (Anthropic, Gemini): the HTTP call, error handling,
 * stream parsing and parameter checks live here once; an adapter only supplies the translations —
 * the upstream request from OpenAI's, the upstream answer into OpenAI's, and a per-stream translator
 * from the upstream's events into OpenAI chunks.
 */
import { badRequest, GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { failure, jsonSuccess, readJsonAnswer, streamSuccess } from '../http/call-result.ts';
import { rawEvents } from '../http/raw-events.ts';
import { parseSse, type SseMessage } from '../http/sse-parser.ts';
import { originOf, postJson } from '../http/upstream-client.ts';
import { midStreamError } from '../http/upstream-error.ts';
import { chunkEvents, DONE, wantsUsage } from '../openai-compatible/chat-stream.ts';
import {
  type CallContext,
  type CallResult,
  ENDPOINT_PATH,
  type Endpoint,
  emptySummary,
  type JsonSuccess,
  type Provider,
  type StreamEvent,
  type StreamSuccess,
  type StreamSummary,
  type Usage,
} from '../spec.ts';

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: JsonObject;
}

/** An upstream answer in OpenAI's shape, with what the trace needs from it. */
export interface TranslatedAnswer {
  json: JsonObject;
  usage?: Usage;
  finishReason?: string;
  responseModel?: string;
}

/** Turns one stream's upstream events into OpenAI chunks; one per stream, so it may keep state. */
export interface StreamTranslator {
  /** The OpenAI chunks for one upstream event (often none); throws a GatewayError for an error event. */
  event(event: SseMessage): JsonObject[];
  /**
   * Chunks after the upstream's last event: the usage chunk whenever usage is known (the base leaves it
   * out when the client did not ask for it); throws when the stream ended too early.
   */
  end(): JsonObject[];
}

export interface TranslatedOptions {
  name: string;
  /** Value of `llm.system`. */
  system: string;
  /** Used when the deployment sets no `api_base`. */
  defaultApiBase: string;
  /** The endpoints this upstream can serve; others are a clear 400. */
  endpoints: ReadonlySet<Endpoint>;
  /**
   * The OpenAI parameters the translation carries over. Any other one is refused with a 400 naming it,
   * unless `drop_params` removed it before the call (and recorded that it did).
   */
  supportedParams(endpoint: Endpoint, model: string): ReadonlySet<string>;
  /** The upstream request; throws a GatewayError (400) for what cannot be translated. */
  request(
    endpoint: Endpoint,
    body: JsonObject,
    ctx: CallContext,
    base: string,
    stream: boolean,
  ): UpstreamCall;
  response(endpoint: Endpoint, json: JsonObject, body: JsonObject): TranslatedAnswer;
  streamTranslator(body: JsonObject): StreamTranslator;
  /** Gives an upstream error OpenAI's codes (context length, content policy) where they differ. */
  error?(error: GatewayError): GatewayError;
  /**
   * The upstream's own API as a client dialect (Anthropic's Messages API): these endpoints get the
   * client's body as it is, and the client gets the upstream's bytes.
   */
  native?: {
    endpoints: ReadonlySet<Endpoint>;
    request(endpoint: Endpoint, body: JsonObject, ctx: CallContext, base: string): UpstreamCall;
  };
}

export function createTranslatedProvider(options: TranslatedOptions): Provider {
  const asOpenAiError = options.error ?? ((e: GatewayError) => e);

  const native = options.native;

  /** The upstream request, or the reason it cannot be made (a client error, never retried). */
  function prepare(endpoint: Endpoint, body: JsonObject, ctx: CallContext, stream: boolean) {
    const base = (ctx.deployment.apiBase ?? options.defaultApiBase).replace(/\/+$/, '');
    if (native?.endpoints.has(endpoint))
      return upstreamRequest(native.request(endpoint, body, ctx, base), ctx);
    if (!options.endpoints.has(endpoint))
      throw badRequest(
        `${options.name} does not serve ${ENDPOINT_PATH[endpoint]} (model ${ctx.deployment.modelName})`,
        'model',
        'unsupported_endpoint',
      );
    const supported = options.supportedParams(endpoint, ctx.deployment.model);
    const refused = Object.keys(body).filter((k) => !supported.has(k) && body[k] !== undefined);
    if (refused.length > 0)
      throw badRequest(
        `${options.name} does not support the parameter${refused.length > 1 ? 's' : ''} ${refused.join(', ')}. ` +
          'Set drop_params: true (litellm_settings or the deployment) to drop them, or leave them out.',
        refused[0],
        'unsupported_params',
      );
    return upstreamRequest(options.request(endpoint, body, ctx, base, stream), ctx);
  }

  /** Runs prepare() and the POST, turning every failure into a CallFailure value. */
  async function send(endpoint: Endpoint, body: JsonObject, ctx: CallContext, stream: boolean) {
    const started = performance.now();
    let req: ReturnType<typeof prepare>;
    try {
      req = prepare(endpoint, body, ctx, stream);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return { started, apiBase: options.name, failure: failure(0, err, started, options.name) };
    }
    const apiBase = originOf(req.url);
    const answer = await postJson(req);
    if (!answer.ok)
      return {
        started,
        apiBase,
        failure: failure(answer.status, asOpenAiError(answer.error), started, apiBase),
      };
    return { started, apiBase, answer };
  }

  return {
    name: options.name,
    system: options.system,
    supportedParams: options.supportedParams,
    native: native?.endpoints,

    async call(endpoint, body, ctx): Promise<CallResult<JsonSuccess>> {
      const sent = await send(endpoint, body, ctx, false);
      if (sent.failure) return sent.failure;
      const { started, apiBase, answer } = sent;
      const read = await readJsonAnswer(answer, apiBase, ctx.signal);
      if (!read.ok) return failure(answer.status, read.error, started, apiBase);
      const upstream = read.json;
      if (native?.endpoints.has(endpoint)) return jsonSuccess(answer, started, apiBase, read);
      let translated: TranslatedAnswer;
      try {
        translated = options.response(endpoint, upstream, body);
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        return failure(answer.status, err, started, apiBase);
      }
      const { json, usage, finishReason, responseModel } = translated;
      return jsonSuccess(
        answer,
        started,
        apiBase,
        { text: JSON.stringify(json), json },
        { usage, finishReason, responseModel },
      );
    },

    async stream(endpoint, body, ctx): Promise<CallResult<StreamSuccess>> {
      const sent = await send(endpoint, body, ctx, true);
      if (sent.failure) return sent.failure;
      const { started, apiBase, answer } = sent;
      const onError = (err: unknown) =>
        err instanceof GatewayError ? asOpenAiError(err) : midStreamError(err, apiBase, ctx.signal);
      if (native?.endpoints.has(endpoint))
        return streamSuccess(answer, started, apiBase, emptySummary(), rawEvents, onError);
      const translator = options.streamTranslator(body);
      const summary = emptySummary();
      const clientWantsUsage = wantsUsage(body);
      return streamSuccess(
        answer,
        started,
        apiBase,
        summary,
        (upstream) => translated(upstream, translator, summary, clientWantsUsage),
        onError,
      );
    },
  };
}

function upstreamRequest(call: UpstreamCall, ctx: CallContext) {
  return {
    url: call.url,
    headers: { 'content-type': 'application/json', ...call.headers },
    body: JSON.stringify(call.body),
    signal: ctx.signal,
    timeoutMs: ctx.timeoutMs,
  };
}

/** The upstream's events as OpenAI chunks, batch by batch, ending with the translator's last chunks and [DONE]. */
async function* translated(
  upstream: AsyncIterable<Buffer | string>,
  translator: StreamTranslator,
  summary: StreamSummary,
  clientWantsUsage: boolean,
): AsyncGenerator<StreamEvent[]> {
  for await (const batch of parseSse(upstream)) {
    // An error event may follow others in the same read: the client gets those first.
    const chunks: JsonObject[] = [];
    let failed: { error: unknown } | undefined;
    for (const event of batch) {
      try {
        chunks.push(...translator.event(event));
      } catch (error) {
        failed = { error };
        break;
      }
    }
    const events = chunkEvents(chunks, summary, clientWantsUsage);
    if (events.length > 0) yield events;
    if (failed) throw failed.error;
  }
  yield [...chunkEvents(translator.end(), summary, clientWantsUsage), { data: DONE }];
}
