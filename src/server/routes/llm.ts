/**
 * The model endpoints — chat completions, completions, embeddings, the Responses and Messages APIs, and
 * OpenAI's others (moderations, images, speech, transcriptions) and rerank — validated, routed, relayed.
 * A route answers errors in its client's dialect.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dialectFor } from '../../dialects/index.ts';
import { badRequest, GatewayError } from '../../errors/gateway-error.ts';
import type { Exchange, Gateway, HandleOptions } from '../../gateway/gateway.ts';
import type { Continued } from '../../gateway/responses/expand.ts';
import type { Endpoint } from '../../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { clientGoneSignal } from '../client-gone.ts';
import { sendError } from '../error-handler.ts';
import { installMultipartBody } from '../multipart-body.ts';
import { tollgateHeaders } from '../response-headers.ts';
import { validateBody } from '../validate-body.ts';

const ROUTES: Array<[string, Endpoint]> = [
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
  ['/embeddings', 'embeddings'],
  ['/v1/responses', 'responses'],
  ['/responses', 'responses'],
  ['/v1/messages', 'messages'],
  ['/v1/moderations', 'moderations'],
  ['/moderations', 'moderations'],
  ['/v1/images/generations', 'image_generations'],
  ['/images/generations', 'image_generations'],
  ['/v1/audio/speech', 'speech'],
  ['/audio/speech', 'speech'],
  // Cohere's paths (v1 and v2 take the same body here), and LiteLLM's.
  ['/v1/rerank', 'rerank'],
  ['/v2/rerank', 'rerank'],
  ['/rerank', 'rerank'],
];

/**
 * Azure OpenAI's paths, which Azure clients (`AzureOpenAI` with the gateway as its endpoint) call: the
 * deployment in the path is the model when the body names none, as LiteLLM serves them.
 */
const AZURE_ROUTES: Array<[string, Endpoint]> = [
  ['/openai/deployments/:model/chat/completions', 'chat'],
  ['/openai/deployments/:model/completions', 'completions'],
  ['/openai/deployments/:model/embeddings', 'embeddings'],
];

/** Routes whose body is a multipart form with a file: audio to transcribe. */
const FORM_ROUTES: Array<[string, Endpoint]> = [
  ['/v1/audio/transcriptions', 'transcriptions'],
  ['/audio/transcriptions', 'transcriptions'],
];

/** The routes that take multipart forms, for the web guard, which refuses forms everywhere else. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(FORM_ROUTES.map(([url]) => url));

/**
 * The largest upload: OpenAI takes audio files of up to 25 MB, and a form adds a few hundred bytes. A
 * larger `max_request_size_mb` raises it too (a server of one's own may take longer recordings).
 */
const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

/** What a route does to a valid body before the gateway gets it (Responses: earlier turns added). */
export type PrepareBody = (endpoint: Endpoint, body: JsonObject) => Promise<Continued>;

/**
 * Lets a request with a virtual key in, or throws its refusal: sets `options.caller` (charged and traced,
 * refused or not) and gives back the body to route (a key's own model aliases applied).
 */
export type Admit = (
  request: FastifyRequest,
  body: JsonObject,
  options: HandleOptions,
) => Promise<JsonObject>;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Proxies such as nginx would otherwise hold chunks back.
  'x-accel-buffering': 'no',
};

/** `stallMs`: how long a stream waits for a client that stopped reading before it gives up on it. */
export function registerLlmRoutes(
  app: FastifyInstance,
  gateway: Gateway,
  stallMs: number,
  prepare: PrepareBody = async (_endpoint, body) => ({ body }),
  admit: Admit = async (_request, body) => body,
): void {
  const steps = { gateway, stallMs, prepare, admit };
  for (const [url, endpoint] of ROUTES) {
    const errorAnswer = dialectFor(endpoint)?.errorAnswer;
    app.post(url, { config: { errorAnswer, virtualKeys: true } }, (request, reply) =>
      handle(endpoint, steps, request, reply),
    );
  }
  for (const [url, endpoint] of AZURE_ROUTES)
    app.post(url, { config: { virtualKeys: true } }, (request, reply) => {
      const model = (request.params as { model: string }).model;
      if (isJsonObject(request.body) && request.body.model === undefined) request.body.model = model;
      return handle(endpoint, steps, request, reply);
    });
  // Forms are read only here: the multipart parser lives in this scope, and the body limit is the route's.
  const bodyLimit = Math.max(UPLOAD_LIMIT_BYTES, app.initialConfig.bodyLimit ?? 0);
  app.register(async (scope) => {
    installMultipartBody(scope);
    for (const [url, endpoint] of FORM_ROUTES)
      scope.post(url, { bodyLimit, config: { virtualKeys: true } }, (request, reply) =>
        handle(endpoint, steps, request, reply),
      );
  });
  const countErrors = dialectFor('messages')?.errorAnswer;
  app.post(
    '/v1/messages/count_tokens',
    { config: { errorAnswer: countErrors, virtualKeys: true } },
    async (request, reply) => {
      const body = validateBody('count_tokens', request.body);
      const answer = await gateway.countTokens(body, request.headers, clientGoneSignal(reply.raw));
      return reply.code(answer.status).headers(answer.headers).type('application/json').send(answer.body);
    },
  );
}

/**
 * Hands the request to the gateway, which owns it to its end, and writes the answer. The route's only
 * reports are about the client's side: the answer was all written, or the client went away.
 */
interface Steps {
  gateway: Gateway;
  stallMs: number;
  prepare: PrepareBody;
  admit: Admit;
}

async function handle(endpoint: Endpoint, steps: Steps, request: FastifyRequest, reply: FastifyReply) {
  const { stallMs } = steps;
  const res = reply.raw;
  const models = batchModels(endpoint, request.body);
  if (models !== undefined) return handleBatch(models, steps, request, reply);
  const exchange = await start(endpoint, steps, request, request.body);
  // 'close' is the end of the exchange: the last byte went out, or the client went away (and with it
  // the upstream call stops).
  res.once('close', () => (res.writableFinished ? exchange.delivered() : exchange.clientGone('closed')));
  const outcome = await exchange.outcome;
  const headers = tollgateHeaders(outcome.record);
  if (outcome.kind === 'error') return sendError(reply.headers(headers), outcome.error);
  if (outcome.kind === 'json') {
    reply.code(outcome.status).headers(headers).headers(outcome.headers);
    return reply.type('application/json').send(outcome.body);
  }
  if (outcome.kind === 'media') {
    reply.code(outcome.status).headers(headers).headers(outcome.headers);
    return reply.type(outcome.contentType).send(outcome.body);
  }
  // Written straight to the socket: a stream through Fastify's reply costs a Readable per request.
  reply.hijack();
  if (!res.destroyed) res.writeHead(200, { ...SSE_HEADERS, ...headers, ...outcome.headers });
  await writeStream(res, outcome.chunks, stallMs, exchange);
}

/** Validates, prepares and admits one request, and hands it to the gateway (or has it refused). */
async function start(
  endpoint: Endpoint,
  steps: Steps,
  request: FastifyRequest,
  raw: unknown,
): Promise<Exchange> {
  const options: HandleOptions = {
    callId: randomUUID(),
    headers: request.headers,
    connected: true,
    clientIp: request.ip,
    route: request.routeOptions.url,
  };
  try {
    const prepared = await steps.prepare(endpoint, validateBody(endpoint, raw));
    options.continues = prepared.continues;
    options.pinned = prepared.pinned;
    const body = await steps.admit(request, prepared.body, options);
    return steps.gateway.handle(endpoint, body, options);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    // A request refused before routing is still a request users look for among the ERROR spans.
    return steps.gateway.refuse(endpoint, raw, err, options);
  }
}

/**
 * LiteLLM's batch completions: a chat `model` of several comma-separated groups asks each of them the
 * same thing. Each is a request of its own (admitted, routed, retried, traced and charged as one); the
 * client gets their answers as one JSON list in the models' order, a failed one as its error object.
 */
function batchModels(endpoint: Endpoint, body: unknown): string[] | undefined {
  if (
    endpoint !== 'chat' ||
    !isJsonObject(body) ||
    typeof body.model !== 'string' ||
    !body.model.includes(',')
  )
    return undefined;
  const models = body.model.split(',').map((m) => m.trim());
  return models.every((m) => m !== '') ? models : undefined;
}

async function handleBatch(models: string[], steps: Steps, request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as JsonObject;
  if (body.stream === true)
    return sendError(
      reply,
      badRequest('A batch of models (a comma-separated `model`) cannot be streamed', 'stream'),
    );
  const exchanges = await Promise.all(
    models.map((model) => start('chat', steps, request, { ...body, model })),
  );
  const res = reply.raw;
  res.once('close', () => {
    for (const exchange of exchanges)
      res.writableFinished ? exchange.delivered() : exchange.clientGone('closed');
  });
  const outcomes = await Promise.all(exchanges.map((exchange) => exchange.outcome));
  const answers = outcomes.map((outcome): unknown => {
    if (outcome.kind === 'json') return JSON.parse(outcome.body);
    if (outcome.kind === 'error') return outcome.error.toJSON();
    // Chat answers are JSON; a stream is not asked for and media never comes from chat.
    return badRequest('This answer cannot be part of a batch').toJSON();
  });
  return reply.code(200).type('application/json').send(JSON.stringify(answers));
}

/**
 * Writes chunks as they come, waiting for the client to drain when its buffer is full. A client that
 * reads nothing for `stallMs` is cut off (as nginx's send_timeout does): otherwise it would hold the
 * upstream request open for as long as it likes, since the upstream is read only as fast as it is.
 */
async function writeStream(
  res: ServerResponse,
  chunks: AsyncIterable<string>,
  stallMs: number,
  exchange: Exchange,
): Promise<void> {
  // Always pulled at least once, even for a client already gone: that is what ends the upstream call.
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drainedOrClosed(res, stallMs, exchange);
    }
  } finally {
    if (!res.destroyed) res.end();
  }
}

function drainedOrClosed(res: ServerResponse, stallMs: number, exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    // Closing the response aborts the upstream call ('close' above) and ends the loop.
    const timer = setTimeout(() => {
      exchange.clientGone('timeout');
      res.destroy();
    }, stallMs);
    const done = () => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
