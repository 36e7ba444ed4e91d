/** The CallResult values every HTTP provider returns, built in one place. */
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { CallFailure, JsonSuccess, StreamEvent, StreamSuccess, StreamSummary } from '../spec.ts';
import type { UpstreamAnswer } from './upstream-client.ts';
import { cutAnswerError } from './upstream-error.ts';

export function failure(status: number, error: GatewayError, started: number, apiBase: string): CallFailure {
  return { ok: false, status, error, latencyMs: performance.now() - started, apiBase };
}

type OpenAnswer = Extract<UpstreamAnswer, { ok: true }>;

/** What a JSON answer says beyond its body: usage and the rest, read by the provider. */
export type AnswerFacts = Pick<JsonSuccess, 'usage' | 'finishReason' | 'responseModel' | 'traceOutput'>;

/** A JSON answer that was read: `body` is what the client gets (the upstream's own text, or a translation). */
export function jsonSuccess(
  answer: OpenAnswer,
  started: number,
  apiBase: string,
  body: { text: string; json: JsonObject },
  facts: AnswerFacts = {},
): JsonSuccess {
  return {
    ok: true,
    kind: 'json',
    status: answer.status,
    latencyMs: performance.now() - started,
    apiBase,
    body: body.text,
    json: body.json,
    headers: answer.headers,
    ...facts,
  };
}

/**
 * A stream that answered: `read` turns the upstream body into batches of events (keeping `summary` up
 * to date as it goes), `onError` turns what breaks mid-way into the GatewayError the client's last
 * event carries.
 */
export function streamSuccess(
  answer: OpenAnswer,
  started: number,
  apiBase: string,
  summary: StreamSummary,
  read: (body: OpenAnswer['body']) => AsyncIterable<StreamEvent[]>,
  onError: (err: unknown) => GatewayError,
): StreamSuccess {
  const upstream = answer.body;
  async function* batches(): AsyncGenerator<StreamEvent[]> {
    try {
      yield* read(upstream);
    } catch (err) {
      throw onError(err);
    } finally {
      // A consumer that stops early (client gone) must not leave the upstream socket busy.
      if (!upstream.destroyed) upstream.destroy();
    }
  }
  return {
    ok: true,
    kind: 'stream',
    status: answer.status,
    latencyMs: performance.now() - started,
    apiBase,
    headers: answer.headers,
    events: batches(),
    summary,
  };
}

/**
 * Reads a JSON answer's body: its text and parsed object, or the error for a body that broke off
 * (retryable) or is not JSON.
 */
export async function readJsonAnswer(
  answer: OpenAnswer,
  apiBase: string,
  signal: AbortSignal,
): Promise<{ ok: true; text: string; json: JsonObject } | { ok: false; error: GatewayError }> {
  let text: string;
  try {
    text = await answer.body.text();
  } catch (err) {
    return { ok: false, error: cutAnswerError(err, apiBase, signal) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // Every API answer is an object; `null` or an array would reach code that reads its fields.
  if (isJsonObject(json)) return { ok: true, text, json };
  const error = new GatewayError(`The upstream at ${apiBase} answered with invalid JSON`, {
    status: 502,
    type: 'api_error',
    code: 'upstream_invalid_json',
  });
  return { ok: false, error };
}

/** Reads an answer's body as bytes (audio, a transcript as text), or the error for a body that broke off. */
export async function readBytesAnswer(
  answer: OpenAnswer,
  apiBase: string,
  signal: AbortSignal,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; error: GatewayError }> {
  try {
    return { ok: true, bytes: Buffer.from(await answer.body.arrayBuffer()) };
  } catch (err) {
    return { ok: false, error: cutAnswerError(err, apiBase, signal) };
  }
}
