/**
 * The adapter contract. A provider turns a canonical (OpenAI-shaped) request into an upstream call and
 * the answer back into OpenAI's shape. It knows nothing of Fastify, telemetry or config files, and it
 * reports what a trace needs: raw status, latency, usage, finish reason.
 */
import type { Deployment } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { JsonObject } from '../shared/json.ts';

/**
 * What a request asks for. `chat`, `completions` and `embeddings` are OpenAI's, which every provider is
 * called with (chat is the canonical form). `responses` (OpenAI's Responses API), `messages` and
 * `count_tokens` (Anthropic's Messages API) are client dialects: a provider that speaks one natively
 * lists it in `Provider.native` and is called with the client's body; any other is called with the
 * dialect translated to chat (`dialects/`). The rest are OpenAI's other endpoints (and Cohere's
 * `rerank`), passed to providers that serve them as they are: they have no chat form.
 */
export type Endpoint =
  | 'chat'
  | 'completions'
  | 'embeddings'
  | 'responses'
  | 'messages'
  | 'count_tokens'
  | 'moderations'
  | 'image_generations'
  | 'speech'
  | 'transcriptions'
  | 'rerank';

/** The endpoints whose answer may be a stream. */
export type StreamingEndpoint = 'chat' | 'completions' | 'responses' | 'messages';

const STREAMING: ReadonlySet<Endpoint> = new Set<StreamingEndpoint>([
  'chat',
  'completions',
  'responses',
  'messages',
]);

export function isStreamingEndpoint(endpoint: Endpoint): endpoint is StreamingEndpoint {
  return STREAMING.has(endpoint);
}

/** Each endpoint's path in the API that defines it, for messages that name it. */
export const ENDPOINT_PATH: Readonly<Record<Endpoint, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  messages: '/messages',
  count_tokens: '/messages/count_tokens',
  moderations: '/moderations',
  image_generations: '/images/generations',
  speech: '/audio/speech',
  transcriptions: '/audio/transcriptions',
  rerank: '/rerank',
};

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
  /**
   * Client headers a native call forwards as they are (`anthropic-version`, `anthropic-beta`): they
   * choose the upstream API's behaviour, which the client, not the gateway, asked for.
   */
  forwardHeaders?: Readonly<Record<string, string>>;
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
  /** The answer as chat `choices`, for the trace, when `body` is in another dialect than chat's. */
  choices?: unknown;
  /** What the trace shows instead of `body`, when that holds data no one reads in a trace (images' base64). */
  traceOutput?: string;
}

/**
 * One event of an answer stream, parsed once. `data` is the parsed payload (an OpenAI chunk, a
 * Messages API event, …) or, for end markers such as OpenAI's `[DONE]`, their literal text. Events of a
 * pass-through provider carry the upstream's exact bytes in `raw`, which reach the client unchanged;
 * translated events have none and are serialised once, by the relay.
 */
export interface StreamEvent {
  /** The SSE `event:` name, for dialects that name their events (Anthropic's Messages API). */
  event?: string;
  data: JsonObject | string;
  /** The exact upstream bytes of the event (with its trailing blank line). */
  raw?: string;
}

/** A tool call of a streamed answer, assembled from its deltas. */
export interface StreamToolCall {
  id?: string;
  name?: string;
  arguments: string;
}

/**
 * What a stream says about itself, kept up to date by the provider as its events are pulled: once the
 * events end it is the end-of-stream summary; if the client leaves half-way it holds what was relayed
 * until then. Consumers (the record, telemetry, spend) read this and never the events' shapes.
 */
export interface StreamSummary {
  usage?: Usage;
  finishReason?: string;
  responseModel?: string;
  /** The answer's `id` (its chunks' `id`), when the stream has one. */
  responseId?: string;
  /** The answer's text as relayed so far, its first MAX_SUMMARY_CHARS characters (see `appendText`). */
  text: string;
  /** Characters of text relayed in all, kept or not. */
  textLength: number;
  /** Reasoning text the provider streamed (`reasoning_content`, Anthropic's thinking). */
  reasoning?: string;
  toolCalls?: StreamToolCall[];
}

export function emptySummary(): StreamSummary {
  return { text: '', textLength: 0 };
}

/**
 * How much of a stream's text, reasoning or one tool call's arguments a summary keeps. A span keeps far
 * less (its values are cut at 32 KiB); past this an endless stream would hold all it ever sent.
 */
export const MAX_SUMMARY_CHARS = 1024 * 1024;

/** `kept` with `piece` added, as far as MAX_SUMMARY_CHARS allows. */
export function keepText(kept: string, piece: string): string {
  if (kept.length >= MAX_SUMMARY_CHARS) return kept;
  return kept.length + piece.length <= MAX_SUMMARY_CHARS
    ? kept + piece
    : kept + piece.slice(0, MAX_SUMMARY_CHARS - kept.length);
}

/** Adds relayed answer text to the summary: kept up to the cap, counted in full. */
export function appendText(summary: StreamSummary, piece: string): void {
  summary.textLength += piece.length;
  summary.text = keepText(summary.text, piece);
}

export interface StreamSuccess extends CallFacts {
  ok: true;
  kind: 'stream';
  headers: Record<string, string>;
  /**
   * Events in arrival order, batched per upstream read (never an empty batch); throws a GatewayError
   * when the upstream fails mid-stream. Stopping early (client gone) closes the upstream call.
   */
  events: AsyncIterable<StreamEvent[]>;
  summary: StreamSummary;
  /**
   * How this stream tells its client it failed half-way, when its events are in a dialect with state
   * (a Responses stream numbers its events); the relay's error event for the client's dialect otherwise.
   */
  failEvents?: (error: GatewayError) => StreamEvent[];
}

/**
 * An answer that is not JSON, relayed as the upstream's bytes with its content type: speech audio, a
 * transcript as text, SRT or VTT. Nothing reads or keeps the bytes but the client's reply; the trace
 * gets `trace` instead, so that no audio ever reaches a span.
 */
export interface MediaSuccess extends CallFacts {
  ok: true;
  kind: 'media';
  body: Buffer;
  /** The upstream's `content-type`, sent to the client as it is. */
  contentType: string;
  headers: Record<string, string>;
  /** What the trace shows as the output: a text answer's text, or a description of audio (type, size). */
  trace: { value: string; mimeType: 'text/plain' | 'application/json' };
  usage?: Usage;
}

/** Every answer that is not a stream. */
export type Answer = JsonSuccess | MediaSuccess;

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
  /**
   * The dialect endpoints this provider's own API is (OpenAI's `responses`, Anthropic's `messages`):
   * called with the client's body, the upstream's bytes returned unchanged. Others are translated.
   */
  readonly native?: ReadonlySet<Endpoint>;
  /**
   * A non-stream call. The answer is JSON except for endpoints whose answer may be bytes (`speech`, a
   * `transcriptions` text format). A `transcriptions` body holds its file as an `UploadedFile`.
   */
  call(endpoint: Endpoint, body: JsonObject, ctx: CallContext): Promise<CallResult<Answer>>;
  stream(endpoint: StreamingEndpoint, body: JsonObject, ctx: CallContext): Promise<CallResult<StreamSuccess>>;
  /**
   * A call about an earlier answer the upstream keeps (`GET`/`DELETE /responses/{id}`, its input items),
   * for providers that keep them; `path` is relative to the API root, e.g. `/responses/resp_1`.
   */
  retrieve?(method: 'GET' | 'DELETE', path: string, ctx: CallContext): Promise<CallResult<JsonSuccess>>;
}
