/**
 * A client dialect: an API shape clients speak besides chat completions (OpenAI's Responses API,
 * Anthropic's Messages API). The gateway serves a dialect two ways:
 *
 * - natively, when the deployment's provider speaks it (OpenAI and Azure speak Responses, Anthropic
 *   speaks Messages): the client's body goes upstream as it is (with the deployment's model) and the
 *   upstream's bytes come back unchanged; the dialect only reads the answer for the trace
 *   (`nativeFacts`, `nativeStream`);
 * - translated, for every other provider: the request becomes a chat completions body (`toChat`), the
 *   provider answers in chat's shape, and the dialect turns that back (`fromChat`, `streamFromChat`).
 *
 * Chat completions is the canonical form: N dialects and M providers cost N + M translations. A dialect
 * module is pure: no I/O, no state beyond one stream's.
 */
import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEvent, StreamSummary, Usage } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';

export type DialectName = 'responses' | 'messages';

/** What the trace needs from an answer the upstream gave in the dialect's own shape. */
export interface NativeFacts {
  usage?: Usage;
  /** In chat's terms: `stop`, `length`, `tool_calls`, `content_filter`. */
  finishReason?: string;
  /** The model the upstream says answered. */
  responseModel?: string;
  /** The answer as chat `choices` (one assistant message: content, tool_calls, reasoning_content). */
  choices: JsonObject[];
}

/** Turns one stream's chat chunks into the dialect's events. One per stream: it keeps that stream's state. */
export interface DialectStream {
  /**
   * The dialect's events for one `chat.completion.chunk` (often none, sometimes several). The usage-only
   * chunk (`choices: []`, `usage`) comes last, before `end`; `[DONE]` is never passed.
   */
  chunk(chunk: JsonObject): StreamEvent[];
  /** The closing events after the last chunk. `summary` has the stream's usage and finish reason. */
  end(summary: StreamSummary): StreamEvent[];
  /** The events that tell the client the stream failed half-way (after what was already sent). */
  fail(error: GatewayError, summary: StreamSummary): StreamEvent[];
  /** The answer as far as it went, in the dialect's shape (Responses: the response object). */
  answer(): JsonObject;
}

/** Reads one natively served stream for the trace. One per stream. */
export interface NativeStream {
  /** Folds one upstream event (its `data` parsed, its `event` name) into the summary. */
  observe(event: StreamEvent, summary: StreamSummary): void;
  /** The events that tell the client the upstream broke half-way, after the events it did send. */
  fail(error: GatewayError): StreamEvent[];
  /**
   * The failure the upstream's own stream reported (Anthropic's `error` event, a `response.failed`), which
   * has already reached the client as the upstream sent it: the request failed, and nothing more is said.
   */
  failure?(): GatewayError | undefined;
  /** The answer as the upstream's events gave it, when they carry it whole (a Responses stream's response). */
  answer?(): JsonObject | undefined;
}

export interface Dialect {
  readonly name: DialectName;
  /**
   * The client's request as a chat completions body: `model` and `mock_response` copied as they are,
   * `stream` and `stream_options.include_usage: true` when it streams. Throws a 400 GatewayError (from
   * `badRequest`) naming the parameter for what cannot be translated.
   */
  toChat(body: JsonObject): JsonObject;
  /** A `chat.completion` as the dialect's answer to `request` (the client's body). */
  fromChat(chat: JsonObject, request: JsonObject): JsonObject;
  /** A translator for one stream of chat chunks answering `request`. */
  streamFromChat(request: JsonObject): DialectStream;
  /** What the trace needs from an upstream's own (native) answer. */
  nativeFacts(json: JsonObject): NativeFacts;
  nativeStream(): NativeStream;
  /** An error as the dialect's HTTP answer: status and JSON body. */
  errorAnswer(error: GatewayError): { status: number; body: JsonObject };
}
