/**
 * The adapter contract. A provider turns a canonical (OpenAI-shaped) request into an upstream call and
 * the answer back into OpenAI's shape. It knows nothing of Fastify, telemetry or config files, and it
 * reports what a trace needs: raw status, latency, usage, finish reason.
 */
import type { Deployment } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

export type Endpoint = 'chat' | 'completions' | 'embeddings';

import type { JsonObject } from '../shared/json.ts';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens read from the provider's prompt cache (part of promptTokens). */
  cachedTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic; part of promptTokens). */
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface CallContext {
  deployment: Deployment;
  /** Aborted when the client goes away; the upstream request must stop. */
  signal: AbortSignal;
  /** Upstream timeout: to response headers, and between body chunks. */
  timeoutMs: number;
}

/** What every finished upstream call reports, success or not. */
export interface CallFacts {
  status: number;
  latencyMs: number;
  /** `host:port` of the upstream, for the trace and `x-tollgate-model-api-base`. */
  apiBase: string;
}

export interface JsonSuccess extends CallFacts {
  ok: true;
  kind: 'json';
  /** The body to send to the client unchanged (the upstream's own bytes when no translation happened). */
  body: string;
  json: JsonObject;
  /** Upstream headers worth relaying (`x-request-id`, rate-limit headers), already lower-cased. */
  headers: Record<string, string>;
  usage?: Usage;
  finishReason?: string;
  responseModel?: string;
}

/** One server-sent event: `data` is the JSON text of an OpenAI chunk, or `[DONE]`. */
export interface SseEvent {
  data: string;
  /** The exact upstream bytes of the event (with its trailing blank line), relayed as they are. */
  raw?: string;
}

export interface StreamSuccess extends CallFacts {
  ok: true;
  kind: 'stream';
  headers: Record<string, string>;
  /**
   * Events in arrival order, batched per upstream read (never an empty batch); throws a GatewayError
   * when the upstream fails mid-stream.
   */
  batches: AsyncIterable<SseEvent[]>;
}

export interface CallFailure extends CallFacts {
  ok: false;
  error: GatewayError;
}

export type CallResult<S> = S | CallFailure;

export interface Provider {
  readonly name: string;
  /** Value of `llm.system`: the API dialect (`openai` for every OpenAI-compatible server). */
  readonly system: string;
  /**
   * Request parameters the provider accepts for an endpoint and model. `drop_params` removes the
   * others; without it everything reaches the upstream unchanged.
   */
  supportedParams(endpoint: Endpoint, model: string): ReadonlySet<string>;
  call(endpoint: Endpoint, body: JsonObject, ctx: CallContext): Promise<CallResult<JsonSuccess>>;
  stream(
    endpoint: 'chat' | 'completions',
    body: JsonObject,
    ctx: CallContext,
  ): Promise<CallResult<StreamSuccess>>;
}
