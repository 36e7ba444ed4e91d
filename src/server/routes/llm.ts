/** The model endpoints: chat completions, completions, embeddings — validated, routed, relayed. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { newRecord, type RequestRecord } from '../../gateway/record.ts';
import { clientClosed } from '../../providers/http/upstream-error.ts';
import type { Endpoint } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { Telemetry } from '../../telemetry/telemetry.ts';
import { sendError } from '../error-handler.ts';
import { tollgateHeaders } from '../response-headers.ts';
import { validateBody } from '../validate-body.ts';

const ROUTES: Array<[string, Endpoint]> = [
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
  ['/embeddings', 'embeddings'],
];

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
  telemetry?: Telemetry,
): void {
  for (const [url, endpoint] of ROUTES) {
    app.post(url, (request, reply) => handle(endpoint, gateway, stallMs, telemetry, request, reply));
  }
}

async function handle(
  endpoint: Endpoint,
  gateway: Gateway,
  stallMs: number,
  telemetry: Telemetry | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const controller = new AbortController();
  const res = reply.raw;
  let record: RequestRecord | undefined;
  // 'close' is the end of the exchange: the last byte went out, or the client went away (then the
  // upstream call stops too). Either way the request is over and can be traced.
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
    if (record === undefined || telemetry === undefined) return;
    if (!res.writableFinished && record.error === undefined) record.error = clientClosed();
    record.finishedPerf = performance.now();
    telemetry.record(record, res.writableFinished ? res.statusCode : 499, request.headers);
  });
  let body: JsonObject;
  try {
    body = validateBody(endpoint, request.body);
  } catch (err) {
    // A request refused before routing is still a request users look for among the ERROR spans.
    if (err instanceof GatewayError) record = rejectedRecord(endpoint, request.body, err);
    throw err;
  }
  const outcome = await gateway.handle(endpoint, body, { callId: randomUUID(), signal: controller.signal });
  record = outcome.record;
  const headers = tollgateHeaders(outcome.record);
  if (outcome.kind === 'error') return sendError(reply.headers(headers), outcome.error);
  if (outcome.kind === 'json') {
    reply.code(outcome.status).headers(headers).headers(outcome.headers);
    return reply.type('application/json').send(outcome.body);
  }
  // Written straight to the socket: a stream through Fastify's reply costs a Readable per request.
  reply.hijack();
  res.writeHead(200, { ...SSE_HEADERS, ...headers, ...outcome.headers });
  await writeStream(res, outcome.chunks, stallMs);
}

function rejectedRecord(endpoint: Endpoint, body: unknown, error: GatewayError): RequestRecord {
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as JsonObject) : {};
  const record = newRecord(randomUUID(), endpoint, object, false);
  record.error = error;
  return record;
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
): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drainedOrClosed(res, stallMs);
    }
  } finally {
    if (!res.destroyed) res.end();
  }
}

function drainedOrClosed(res: ServerResponse, stallMs: number): Promise<void> {
  return new Promise((resolve) => {
    // Closing the response aborts the upstream call ('close' above) and ends the loop.
    const timer = setTimeout(() => res.destroy(), stallMs);
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
