/**
 * The mock provider: the built-in `demo` model, and LiteLLM's `mock_response` (answer with this text,
 * call nobody). No network; a little latency and real streaming so the whole path behaves as live.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { badRequest, clientClosed } from '../../errors/gateway-error.ts';
import { contentText } from '../../shared/content-text.ts';
import type { JsonObject } from '../../shared/json.ts';
import { chunkEvents, DONE, wantsUsage } from '../openai-compatible/chat-stream.ts';
import { openAiParams } from '../openai-compatible/params.ts';
import { readUsage } from '../openai-compatible/usage.ts';
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
import { demoAnswer, estimateTokens } from './demo-text.ts';
import { embed, encodeEmbedding } from './embedding.ts';
import { chatCompletion, type MockAnswer, newAnswer, streamChunks, textCompletion } from './responses.ts';

/** Delays that make the demo feel like a model: time to first token, then a steady trickle. */
const FIRST_TOKEN_MS = 120;
const CHUNK_GAP_MS = 12;
const API_BASE = 'mock';
/** What the mock answers: text and embeddings. OpenAI's media endpoints and rerank are a clear 400. */
const SERVED: ReadonlySet<Endpoint> = new Set(['chat', 'completions', 'embeddings']);
/** LiteLLM reports these fixed numbers for `mock_response`; clients may assert them. */
const MOCK_RESPONSE_USAGE: Usage = { promptTokens: 10, completionTokens: 20, totalTokens: 30 };

export const mockProvider: Provider = {
  name: 'mock',
  system: 'openai',
  // It stands in for OpenAI, so it takes what OpenAI takes.
  supportedParams: openAiParams,

  async call(endpoint, body, ctx): Promise<CallResult<JsonSuccess>> {
    const started = performance.now();
    if (!SERVED.has(endpoint)) {
      const error = badRequest(
        `The mock provider (model ${ctx.deployment.modelName}) does not serve ${ENDPOINT_PATH[endpoint]}; route it to a provider that does`,
        'model',
        'unsupported_endpoint',
      );
      return { ok: false, status: 0, error, latencyMs: performance.now() - started, apiBase: API_BASE };
    }
    const json = endpoint === 'embeddings' ? embeddings(body) : complete(endpoint, body);
    if (!isScripted(body)) {
      try {
        await sleep(FIRST_TOKEN_MS, undefined, { signal: ctx.signal });
      } catch {
        return {
          ok: false,
          status: 0,
          error: clientClosed(),
          latencyMs: performance.now() - started,
          apiBase: API_BASE,
        };
      }
    }
    const choice = Array.isArray(json.choices) ? (json.choices[0] as JsonObject) : undefined;
    return {
      ok: true,
      kind: 'json',
      status: 200,
      latencyMs: performance.now() - started,
      apiBase: API_BASE,
      body: JSON.stringify(json),
      json,
      headers: {},
      usage: readUsage(json.usage),
      finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined,
      responseModel: String(json.model),
    };
  },

  async stream(endpoint, body, ctx): Promise<CallResult<StreamSuccess>> {
    const answer = answerFor(endpoint, body);
    const summary = emptySummary();
    const kind = endpoint === 'chat' ? 'chat' : 'completions';
    const clientWantsUsage = wantsUsage(body);
    const chunks = [...streamChunks(kind, answer, clientWantsUsage)];
    return {
      ok: true,
      kind: 'stream',
      status: 200,
      latencyMs: 0,
      apiBase: API_BASE,
      headers: {},
      events: events(chunks, summary, clientWantsUsage, !isScripted(body), ctx),
      summary,
    };
  },
};

/**
 * The answer's chunks, paced like a model (unless scripted). The mock always makes the usage chunk, as
 * an upstream asked for usage does; the client sees it only when it asked. An abort (the client gone)
 * ends the stream at once, as it would cut a real upstream call.
 */
async function* events(
  chunks: JsonObject[],
  summary: StreamSummary,
  clientWantsUsage: boolean,
  paced: boolean,
  ctx: CallContext,
): AsyncGenerator<StreamEvent[]> {
  if (!paced) {
    yield [...chunkEvents(chunks, summary, clientWantsUsage), { data: DONE }];
    return;
  }
  for (let i = 0; i <= chunks.length; i++) {
    try {
      await sleep(i === 0 ? FIRST_TOKEN_MS : CHUNK_GAP_MS, undefined, { signal: ctx.signal });
    } catch {
      throw clientClosed();
    }
    const batch = i < chunks.length ? chunkEvents(chunks.slice(i, i + 1), summary, clientWantsUsage) : [];
    if (i === chunks.length) batch.push({ data: DONE });
    if (batch.length > 0) yield batch;
  }
}

function isScripted(body: JsonObject): boolean {
  return typeof body.mock_response === 'string';
}

function answerFor(endpoint: Endpoint, body: JsonObject): MockAnswer {
  const prefix = endpoint === 'chat' ? 'chatcmpl' : 'cmpl';
  const model = String(body.model);
  if (typeof body.mock_response === 'string')
    return newAnswer(prefix, model, body.mock_response, MOCK_RESPONSE_USAGE);
  const prompt = endpoint === 'chat' ? lastUserText(body.messages) : (contentText(body.prompt) ?? '');
  const text = demoAnswer(prompt);
  const promptTokens = estimateTokens(endpoint === 'chat' ? JSON.stringify(body.messages ?? '') : prompt);
  const completionTokens = estimateTokens(text);
  return newAnswer(prefix, model, text, {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  });
}

function complete(endpoint: Endpoint, body: JsonObject): JsonObject {
  const answer = answerFor(endpoint, body);
  return endpoint === 'chat' ? chatCompletion(answer) : textCompletion(answer);
}

function embeddings(body: JsonObject): JsonObject {
  const inputs =
    Array.isArray(body.input) && body.input.every((i) => typeof i === 'string') ? body.input : [body.input];
  const requested = body.dimensions;
  const dims =
    typeof requested === 'number' && Number.isInteger(requested) && requested > 0
      ? Math.min(requested, 4096)
      : 1536;
  let tokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    tokens += estimateTokens(text);
    return {
      object: 'embedding',
      index,
      embedding: encodeEmbedding(embed(text, dims), body.encoding_format),
    };
  });
  return {
    object: 'list',
    data,
    model: String(body.model),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as JsonObject | undefined;
    if (m?.role === 'user') return contentText(m.content) ?? '';
  }
  return '';
}
